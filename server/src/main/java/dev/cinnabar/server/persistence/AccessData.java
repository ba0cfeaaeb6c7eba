package dev.cinnabar.server.persistence;

import dev.cinnabar.server.db.KeyEntry;
import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.db.Keyspace;

/** A loaded key's LRU or LFU data from the file's IDLE or FREQ, as Redis's objectSetLRUOrLFU. */
final class AccessData {
    private AccessData() {
    }

    /** Applies {@code idle} seconds or the {@code freq} counter (-1: absent) when the policy uses it. */
    static void set(Keyspace keyspace, KeyEntry e, long idle, int freq, String policy) {
        int low;
        if (freq >= 0) {
            if (!policy.endsWith("-lfu")) {
                return;
            }
            int minutes = (int) ((keyspace.now() / 1000 / 60) & 0xffff);
            low = (minutes << 8) | (freq & 0xff);
        } else if (idle >= 0) {
            if (!policy.endsWith("-lru")) {
                return;
            }
            long clock = keyspace.lruClock();
            long abs = clock - idle;
            if (abs < 0) {
                abs = (clock + (Db.LRU_CLOCK_MAX / 2)) % Db.LRU_CLOCK_MAX;
            }
            low = (int) abs;
        } else {
            return;
        }
        e.meta((e.meta() & ~Db.LRU_CLOCK_MAX) | low);
    }
}
