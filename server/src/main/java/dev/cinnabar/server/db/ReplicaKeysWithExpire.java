package dev.cinnabar.server.db;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keys given a TTL on a writable replica by its own clients (Redis's slaveKeysWithExpire): the
 * master never sends a DEL for them, so the replica expires them itself, while the keys its
 * master wrote wait for the master's DEL. Each key maps to a bitmap of the databases it was
 * given a TTL in (the first 64, as in Redis; keys in others are not tracked).
 */
final class ReplicaKeysWithExpire {
    /** Redis's limits for one run: stop after finding this many keys not yet due, or after 1 ms. */
    private static final int NOT_DUE_LIMIT = 3;
    private static final long TIME_LIMIT_NANOS = 1_000_000;

    private final LinkedHashMap<ByteBuffer, Long> keys = new LinkedHashMap<>();

    void remember(int db, byte[] key, int off, int len) {
        if (db >= 64) {
            return;
        }
        byte[] copy = new byte[len];
        System.arraycopy(key, off, copy, 0, len);
        keys.merge(ByteBuffer.wrap(copy), 1L << db, (a, b) -> a | b);
    }

    int size() {
        return keys.size();
    }

    void clear() {
        keys.clear();
    }

    /**
     * Redis's expireSlaveKeys: deletes the tracked keys whose time has passed, and forgets those
     * gone or without a TTL any more. The keys looked at go to the back of the queue, so that
     * runs cycle through them all.
     */
    void expire(Keyspace keyspace, java.util.function.LongSupplier clockNanos) {
        long start = clockNanos.getAsLong();
        int notDue = 0;
        int cycles = 0;
        while (!keys.isEmpty()) {
            Iterator<Map.Entry<ByteBuffer, Long>> it = keys.entrySet().iterator();
            Map.Entry<ByteBuffer, Long> first = it.next();
            ByteBuffer name = first.getKey();
            long dbs = first.getValue();
            it.remove();
            byte[] key = name.array();
            long keep = 0;
            for (int db = 0; dbs != 0 && db < keyspace.count(); db++, dbs >>>= 1) {
                if ((dbs & 1) == 0) {
                    continue;
                }
                Db d = keyspace.db(db);
                long at = d.expireAt(key, 0, key.length);
                if (at < 0) {
                    continue;
                }
                if (d.deleteIfExpiredOnReplica(key)) {
                    continue;
                }
                notDue++;
                keep |= 1L << db;
            }
            if (keep != 0) {
                keys.put(name, keep);
            }
            cycles++;
            if (notDue > NOT_DUE_LIMIT) {
                break;
            }
            if (cycles % 64 == 0 && clockNanos.getAsLong() - start > TIME_LIMIT_NANOS) {
                break;
            }
        }
    }
}
