package dev.cinnabar.server.db;

import dev.cinnabar.server.engine.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The databases, the time commands see, the keyspace counters, and the write hook.
 *
 * <p>Time is frozen per command: {@link #now()} is read once when a command starts, so a key
 * cannot expire half-way through a command that looks at it twice, as in Redis.
 */
public final class Keyspace {
    private final Db[] dbs;
    private final Clock clock;
    private final List<KeyspaceListener> listeners = new ArrayList<>();
    private KeyspaceListener[] listenerArray = new KeyspaceListener[0];
    private final AccessClock access = new AccessClock(this);
    private long now;
    private boolean expiryEnabled = true;
    /** Says whether CLIENT PAUSE holds expiry back (ending a pause that is over); null: never. */
    private java.util.function.BooleanSupplier expiryPauseCheck;
    /** The running command leaves the keys' access data alone (CLIENT NO-TOUCH). */
    private boolean noTouch;

    public long hits;
    public long misses;
    public long expiredKeys;
    /** Changes since the last save: Redis's {@code server.dirty}. */
    public long dirty;

    public Keyspace(int databases, Clock clock) {
        this.clock = clock;
        this.dbs = new Db[databases];
        for (int i = 0; i < databases; i++) {
            dbs[i] = new Db(i, this);
        }
        this.now = clock.millis();
    }

    public Db db(int index) {
        return dbs[index];
    }

    public int count() {
        return dbs.length;
    }

    public Clock clock() {
        return clock;
    }

    /** Milliseconds since the epoch, as of the start of the running command. */
    public long now() {
        return now;
    }

    /** Freezes the time commands see; the engine calls this before each command. */
    public void updateTime() {
        now = clock.millis();
    }

    /** False on a replica, where keys expire only when the master says so. */
    public void expiryEnabled(boolean enabled) {
        this.expiryEnabled = enabled;
    }

    public boolean expiryEnabled() {
        return expiryEnabled;
    }

    /** Installs the check {@link #expiryPaused()} asks; the engine wires its client pause here. */
    public void expiryPauseCheck(java.util.function.BooleanSupplier check) {
        this.expiryPauseCheck = check;
    }

    /**
     * True while a client pause keeps the dataset still: expired keys look absent to readers
     * but are not deleted, and the active cycle does nothing, as in Redis.
     */
    public boolean expiryPaused() {
        return expiryPauseCheck != null && expiryPauseCheck.getAsBoolean();
    }

    /** Set around each command from CLIENT NO-TOUCH; lookups then record no access. */
    public void noTouch(boolean on) {
        this.noTouch = on;
    }

    public boolean noTouch() {
        return noTouch;
    }

    /** The 24-bit LRU clock in seconds, stored in each key's entry on access. */
    public int lruClock() {
        return access.lruClock();
    }

    /** The LRU/LFU data kept per key; follows {@code maxmemory-policy}. */
    public AccessClock access() {
        return access;
    }

    public void addListener(KeyspaceListener l) {
        listeners.add(l);
        listenerArray = listeners.toArray(new KeyspaceListener[0]);
    }

    public void removeListener(KeyspaceListener l) {
        listeners.remove(l);
        listenerArray = listeners.toArray(new KeyspaceListener[0]);
    }

    void keyModified(Db db, byte[] key, int off, int len) {
        for (KeyspaceListener l : listenerArray) {
            l.keyModified(db, key, off, len);
        }
    }

    void databaseFlushed(Db db) {
        for (KeyspaceListener l : listenerArray) {
            l.databaseFlushed(db);
        }
    }

    /** Swaps the contents of two databases, as SWAPDB does; clients stay on their index. */
    public void swap(int a, int b) {
        Db x = dbs[a];
        Db y = dbs[b];
        x.swapContents(y);
        databaseFlushed(x);
        databaseFlushed(y);
    }

    /** Estimated heap bytes of every database; see {@link Db#memory()}. */
    public long memory() {
        long n = 0;
        for (Db d : dbs) {
            n += d.memory();
        }
        return n;
    }

    public long totalKeys() {
        long n = 0;
        for (Db d : dbs) {
            n += d.size();
        }
        return n;
    }
}
