package dev.cinnabar.server.client;

import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.db.KeyspaceObserver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * WATCH's registry, as Redis keeps it: per database, each watched key with the clients watching
 * it, and per client ({@link Client#watched}) the keys it watches. A change to a watched key (the
 * write path's signal, expiry included), a FLUSHDB/FLUSHALL that removes it, or a SWAPDB that
 * changes it marks the watchers dirty, and their next EXEC answers a null array.
 *
 * <p>A key that had already expired (but was not deleted yet) when it was watched is remembered
 * as such: its deletion is no change, as in Redis 7.0, and at EXEC only keys that expired after
 * WATCH abort the transaction.
 */
public final class WatchedKeys implements KeyspaceObserver {
    /** One key watched by one client (Redis's watchedKey). */
    static final class Watch {
        final Db db;
        final Key key;
        final Client client;
        /** The key was already expired when watched. */
        boolean expired;

        Watch(Db db, Key key, Client client, boolean expired) {
            this.db = db;
            this.key = key;
            this.client = client;
            this.expired = expired;
        }
    }

    /** A key's bytes as a map key. */
    record Key(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    private final Map<Db, Map<Key, ArrayList<Watch>>> byDb = new IdentityHashMap<>();

    /** WATCH of one key in the client's database; watching it again changes nothing. */
    public void watch(Client c, byte[] key) {
        Db db = c.db();
        Key k = new Key(key);
        if (c.watched == null) {
            c.watched = new ArrayList<>();
        }
        for (Watch w : c.watched) {
            if (w.db == db && w.key.equals(k)) {
                return;
            }
        }
        Watch w = new Watch(db, k, c, db.isExpired(key));
        byDb.computeIfAbsent(db, d -> new HashMap<>()).computeIfAbsent(k, x -> new ArrayList<>(1)).add(w);
        c.watched.add(w);
    }

    /** Forgets every key the client watches (UNWATCH, EXEC, DISCARD, RESET, a client freed). */
    public void unwatchAll(Client c) {
        if (c.watched == null || c.watched.isEmpty()) {
            return;
        }
        for (Watch w : c.watched) {
            Map<Key, ArrayList<Watch>> keys = byDb.get(w.db);
            ArrayList<Watch> list = keys.get(w.key);
            list.remove(w);
            if (list.isEmpty()) {
                keys.remove(w.key);
                if (keys.isEmpty()) {
                    byDb.remove(w.db);
                }
            }
        }
        c.watched.clear();
    }

    /** How many keys the client watches. */
    public static int count(Client c) {
        return c.watched == null ? 0 : c.watched.size();
    }

    /** Keys watched across all clients of {@code db} (a test's view). */
    public int watchedKeys(Db db) {
        Map<Key, ArrayList<Watch>> keys = byDb.get(db);
        return keys == null ? 0 : keys.size();
    }

    /**
     * Redis 7.0's check at EXEC: a watched key that has expired since it was watched (and was
     * not deleted meanwhile, which would have been a change) aborts the transaction.
     */
    public boolean watchedKeyExpired(Client c) {
        if (c.watched == null) {
            return false;
        }
        for (Watch w : c.watched) {
            if (!w.expired && w.db.isExpired(w.key.bytes)) {
                return true;
            }
        }
        return false;
    }

    /** Redis's touchWatchedKey. */
    @Override
    public void keyModified(Object client, Db db, byte[] key, int off, int len) {
        Map<Key, ArrayList<Watch>> keys = byDb.get(db);
        if (keys == null) {
            return;
        }
        Key k = new Key(Arrays.copyOfRange(key, off, off + len));
        ArrayList<Watch> list = keys.get(k);
        if (list == null) {
            return;
        }
        for (Watch w : list.toArray(new Watch[0])) {
            if (w.expired) {
                if (db.find(k.bytes) == null) {
                    // The expired key was deleted: logically no change, and no longer expired.
                    w.expired = false;
                    continue;
                }
                // Redis 7.0 stops marking here: the clients after this one in the list are left
                // alone (a key watched while expired, then changed before being deleted).
                break;
            }
            w.client.dirtyCas = true;
            // Dirty now: nothing more to watch for until EXEC.
            unwatchAll(w.client);
        }
    }

    /** Redis's touchAllWatchedKeysInDb, before FLUSHDB/FLUSHALL (no replacement) or SWAPDB. */
    @Override
    public void beforeFlush(Db emptied, Db replacedWith) {
        Map<Key, ArrayList<Watch>> keys = byDb.get(emptied);
        if (keys == null) {
            return;
        }
        for (Map.Entry<Key, ArrayList<Watch>> e : keys.entrySet()) {
            byte[] key = e.getKey().bytes;
            boolean existsInEmptied = emptied.find(key) != null;
            boolean existsInReplacement = replacedWith != null && replacedWith.find(key) != null;
            if (!existsInEmptied && !existsInReplacement) {
                continue;
            }
            for (Watch w : e.getValue()) {
                if (w.expired) {
                    if (!existsInReplacement) {
                        w.expired = false;
                        continue;
                    } else if (replacedWith.isExpired(key)) {
                        continue;
                    }
                } else if (!existsInEmptied && replacedWith.isExpired(key)) {
                    w.expired = true;
                    continue;
                }
                w.client.dirtyCas = true;
            }
        }
    }
}
