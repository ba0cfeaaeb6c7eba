package dev.cinnabar.server.db;

import dev.cinnabar.datatypes.KeyTable;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.config.KeyspaceEvents;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * The databases, the time commands see, the keyspace counters, and the write path's two hooks
 * and its propagation.
 *
 * <p>Time is frozen per command: {@link #now()} is read once when a command starts, so a key
 * cannot expire half-way through a command that looks at it twice, as in Redis.
 *
 * <p>Every write primitive of {@link Db} tells the {@link KeyspaceObserver}s before it changes
 * anything, and signals the key as modified after (Redis's signalModifiedKey). Between
 * {@link #beginCommand} and {@link #endCommand} a key is signalled once however many primitives
 * touched it, with the command's client, and the keys the command changed are counted: that is
 * the command's share of {@link #dirty} unless it says otherwise. Expiry signals too, but counts
 * nothing, as in Redis.
 */
public final class Keyspace {
    private static final byte[] DEL = "DEL".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HDEL = "HDEL".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UNLINK = "UNLINK".getBytes(StandardCharsets.US_ASCII);

    private final Db[] dbs;
    /** Raised by the databases' tables when one has deleted keys' ids or slab pages to recycle. */
    private final KeyTable.RecycleDue recycleDue = new KeyTable.RecycleDue();
    private final Clock clock;
    private KeyspaceObserver[] observers = new KeyspaceObserver[0];
    private final AccessClock access = new AccessClock(this);
    private final Propagation propagation = new Propagation();
    /** The running commands, innermost last: a command may run others (EXEC, a script, a busy poll). */
    private ModifiedKeys[] modified = {new ModifiedKeys()};
    private Object[] clients = new Object[1];
    private long[] changes = new long[1];
    private int depth;
    private long now;
    private boolean expiryEnabled = true;
    private boolean fromMaster;
    private final ReplicaKeysWithExpire replicaKeysWithExpire = new ReplicaKeysWithExpire();
    /** Says whether CLIENT PAUSE holds expiry back (ending a pause that is over); null: never. */
    private BooleanSupplier expiryPauseCheck;
    private final LazyFree lazyFree = new LazyFree();
    private final KeyspaceNotifications notifications = new KeyspaceNotifications();
    /** The running command leaves the keys' access data alone (CLIENT NO-TOUCH). */
    private boolean noTouch;
    /** The databases' tables index their keys by cluster hash slot (cluster mode). */
    private boolean slotsIndexed;
    /** Whether a key table may double its index now (maxmemory's say); null: always. */
    private KeyTable.ExpandCheck expandCheck;

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

    /** The databases a swapdb load is filling ({@link #newStaged}), until swapped in or discarded. */
    private Db[] staged;

    public Db db(int index) {
        return dbs[index];
    }

    /**
     * From now on every database keeps its keys by cluster hash slot, the keys it has included,
     * and so do the tables a flush or a load puts in its place: a cluster-enabled server's
     * slot-to-keys map. An index costs nothing until its database holds a key.
     */
    public void indexSlots() {
        slotsIndexed = true;
        for (Db d : dbs) {
            d.indexSlots();
        }
    }

    /** True once {@link #indexSlots} was called. */
    public boolean slotsIndexed() {
        return slotsIndexed;
    }

    KeyTable.RecycleDue recycleDue() {
        return recycleDue;
    }

    /**
     * Installs what the databases' key tables ask before doubling their index (the memory
     * layer's maxmemory check, as Redis's dictExpandAllowed).
     */
    public void expandCheck(KeyTable.ExpandCheck check) {
        this.expandCheck = check;
    }

    /** For {@link Db}'s tables: what {@link #expandCheck(KeyTable.ExpandCheck)} installed says. */
    boolean expandAllowed(long moreBytes) {
        return expandCheck == null || expandCheck.allows(moreBytes);
    }

    public int count() {
        return dbs.length;
    }

    public Clock clock() {
        return clock;
    }

    /** Milliseconds since the epoch, as of the start of the running command. */
    private boolean loading;
    private boolean asyncLoading;

    public long now() {
        return now;
    }

    /** Freezes the time commands see; the engine calls this before each command. */
    public void updateTime() {
        now = clock.millis();
    }

    /** {@link #updateTime()} from a reading of the clock's monotonic counter just taken. */
    public void updateTime(long nanos) {
        now = clock.millisAt(nanos);
    }

    /** While the AOF loads nothing expires (Redis's keyIsExpired with server.loading): see {@link Db#isExpired}. */
    public void loading(boolean on) {
        this.loading = on;
    }

    public boolean loading() {
        return loading;
    }

    /**
     * Async loading: {@link #loading} too, but the commands that run meanwhile are clients', not
     * a file's, so a writable replica remembers the TTLs they set as at any other time.
     */
    public void asyncLoading(boolean on) {
        this.loading = on;
        this.asyncLoading = on;
    }

    /** True during Redis 7.0's async loading (INFO's async_loading). */
    public boolean asyncLoading() {
        return asyncLoading;
    }

    /** True while the commands that run are a file's (the AOF's), which no client sent. */
    boolean replayingFile() {
        return loading && !asyncLoading;
    }

    /**
     * Whether a command given an expiry time at or before now deletes the key at once rather
     * than set it (Redis's checkAlreadyExpired): not while loading, where the file's later
     * commands may still write to the key and nothing expires until the load is over, and not
     * on a replica, which waits for the master's DEL.
     */
    public boolean alreadyExpired(long when) {
        return when <= now && expiryEnabled && !loading;
    }

    /**
     * True while a replica applies its master's command: keys past their time are still there
     * for it, as Redis's expireIfNeeded answers the master's client (the master's clock and DELs
     * decide).
     */
    public void fromMaster(boolean on) {
        fromMaster = on;
    }

    public boolean fromMaster() {
        return fromMaster;
    }

    ReplicaKeysWithExpire replicaKeysWithExpire() {
        return replicaKeysWithExpire;
    }

    /** On a replica, the active expiry of the keys its own clients gave a TTL (Redis's expireSlaveKeys). */
    public void expireReplicaKeys(java.util.function.LongSupplier clockNanos) {
        if (replicaKeysWithExpire.size() != 0 && !expiryPaused()) {
            replicaKeysWithExpire.expire(this, clockNanos);
        }
    }

    /** False on a replica, where keys expire only when the master says so. */
    public void expiryEnabled(boolean enabled) {
        this.expiryEnabled = enabled;
    }

    public boolean expiryEnabled() {
        return expiryEnabled;
    }

    /** Installs the check {@link #expiryPaused()} asks; the server wires its client pause here. */
    public void expiryPauseCheck(BooleanSupplier check) {
        this.expiryPauseCheck = check;
    }

    /**
     * True while a client pause keeps the dataset still: expired keys look absent to readers
     * but are not deleted, and the active cycle does nothing, as in Redis.
     */
    public boolean expiryPaused() {
        return expiryPauseCheck != null && expiryPauseCheck.getAsBoolean();
    }

    /** Which deletions are lazy, and INFO's count of the values freed lazily. */
    public LazyFree lazyFree() {
        return lazyFree;
    }

    /** Keyspace notifications: where events go and which classes are on. */
    public KeyspaceNotifications notifications() {
        return notifications;
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

    /** What the writes amount to for replicas and the AOF. */
    public Propagation propagation() {
        return propagation;
    }

    public void addObserver(KeyspaceObserver o) {
        observers = Arrays.copyOf(observers, observers.length + 1);
        observers[observers.length - 1] = o;
    }

    public void removeObserver(KeyspaceObserver o) {
        KeyspaceObserver[] left = new KeyspaceObserver[observers.length];
        int n = 0;
        for (KeyspaceObserver x : observers) {
            if (x != o) {
                left[n++] = x;
            }
        }
        observers = Arrays.copyOf(left, n);
    }

    // ------------------------------------------------------------------ commands

    /**
     * A command of {@code client} starts: from here its signals carry the client, each key is
     * signalled once, and its changes are counted. Nested commands (those of an EXEC or a
     * script) each begin and end their own.
     */
    public void beginCommand(Object client) {
        if (depth == modified.length) {
            modified = Arrays.copyOf(modified, depth * 2);
            clients = Arrays.copyOf(clients, depth * 2);
            changes = Arrays.copyOf(changes, depth * 2);
        }
        if (modified[depth] == null) {
            modified[depth] = new ModifiedKeys();
        }
        clients[depth] = client;
        changes[depth] = 0;
        depth++;
    }

    /** How many commands are running, the outermost first: 0 between commands. */
    public int commandDepth() {
        return depth;
    }

    /** The keys the running command changed, expiry aside: its {@link #dirty} by default. */
    public long commandChanges() {
        return changes[depth - 1];
    }

    public void endCommand() {
        depth--;
        modified[depth].clear();
        clients[depth] = null;
        if (depth == 0 && recycleDue.take()) {
            // No command holds a key handle now: the ids of deleted keys can go back.
            for (Db d : dbs) {
                d.recycle();
            }
        }
    }

    // ------------------------------------------------------------------ the write path

    void beforeWrite(Db db, byte[] key, int off, int len, Object value) {
        if (db.staged) {
            return;
        }
        for (KeyspaceObserver o : observers) {
            o.beforeWrite(db, key, off, len, value);
        }
    }

    /**
     * Redis's signalModifiedKey. {@code hash} is the key's hash in the database's table;
     * {@code counts}: the change is the command's own (expiry is not), so it adds to the
     * command's changes.
     */
    void keyModified(Db db, byte[] key, int off, int len, int hash, boolean counts) {
        if (db.staged) {
            return;
        }
        Object client = null;
        if (depth > 0) {
            int top = depth - 1;
            int added = modified[top].add(db, key, off, len, hash, counts);
            if ((added & ModifiedKeys.COUNTED) != 0) {
                changes[top]++;
            }
            // Signalled once per command, except that a key deleted by expiry and then written
            // is signalled again for the write, as Redis signals both: a WATCH taken while the
            // key had expired ignores the deletion but not the write.
            if ((added & ModifiedKeys.NEW) == 0 && (!counts || (added & ModifiedKeys.COUNTED) == 0)) {
                return;
            }
            client = clients[top];
        }
        for (KeyspaceObserver o : observers) {
            o.keyModified(client, db, key, off, len);
        }
    }

    void keyAdded(Db db, byte[] key, int off, int len) {
        if (db.staged) {
            return;
        }
        notifications.notify(KeyspaceEvents.NEW, "new", key, off, len, db.id);
        for (KeyspaceObserver o : observers) {
            o.keyAdded(db, key, off, len);
        }
    }

    void streamRemoved(Db db, byte[] key, int off, int len) {
        if (db.staged) {
            return;
        }
        for (KeyspaceObserver o : observers) {
            o.streamRemoved(db, key, off, len);
        }
    }

    /** A key expired: propagated as the DEL (or UNLINK) a replica must apply. */
    void expired(Db db, byte[] key) {
        notifications.notify(KeyspaceEvents.EXPIRED, "expired", key, db.id);
        expiredKeys++;
        if (propagation.active()) {
            propagation.add(db.id, Argv.of(lazyFree.lazy(LazyFree.Cause.EXPIRE) ? UNLINK : DEL, key));
        }
    }

    /** A key was evicted: propagated as the DEL (or UNLINK) a replica must apply. */
    void evicted(Db db, byte[] key, int off, int len) {
        notifications.notify(KeyspaceEvents.EVICTED, "evicted", key, off, len, db.id);
        if (propagation.active()) {
            byte[] copy = Arrays.copyOfRange(key, off, off + len);
            propagation.add(db.id, Argv.of(lazyFree.lazy(LazyFree.Cause.EVICTION) ? UNLINK : DEL, copy));
        }
    }

    /** A hash field expired (Redis 7.4): propagated as the HDEL a replica must apply. */
    void fieldExpired(Db db, byte[] key, byte[] field) {
        if (propagation.active()) {
            propagation.add(db.id, Argv.of(HDEL, key, field));
        }
    }

    void beforeFlush(Db db, Db replacedWith) {
        for (KeyspaceObserver o : observers) {
            o.beforeFlush(db, replacedWith);
        }
    }

    void databaseFlushed(Db db) {
        for (KeyspaceObserver o : observers) {
            o.databaseFlushed(db);
        }
    }

    /**
     * repl-diskless-load swapdb: empty databases that nothing serves, for a master's RDB to load
     * into while the live ones keep their data (Redis's disklessLoadInitTempDb): served meanwhile
     * to async loading's readers, given back whole if the load fails.
     */
    public Db[] newStaged() {
        Db[] staged = new Db[dbs.length];
        for (int i = 0; i < dbs.length; i++) {
            staged[i] = new Db(i, this, true);
        }
        this.staged = staged;
        return staged;
    }

    /**
     * The load into {@code staged} succeeded: each live database takes its contents as SWAPDB
     * would take them (watchers, blocked clients and tracking told), and the old data, now in
     * {@code staged}, goes (Redis's swapMainDbWithTempDb and disklessLoadDiscardTempDb).
     */
    public void swapInStaged(Db[] staged) {
        for (int i = 0; i < dbs.length; i++) {
            Db live = dbs[i];
            beforeFlush(live, staged[i]);
            live.swapContents(staged[i]);
            databaseFlushed(live);
        }
        discardStaged(staged);
    }

    /** Databases {@link #newStaged} made are freed, in the background as far as INFO's lazyfree figures go. */
    public void discardStaged(Db[] staged) {
        for (Db d : staged) {
            lazyFree.flushed(d.size());
        }
        if (this.staged == staged) {
            this.staged = null;
        }
    }

    /** Swaps the contents of two databases, as SWAPDB does; clients stay on their index. */
    public void swap(int a, int b) {
        Db x = dbs[a];
        Db y = dbs[b];
        beforeFlush(x, y);
        beforeFlush(y, x);
        x.swapContents(y);
        databaseFlushed(x);
        databaseFlushed(y);
    }

    /**
     * Estimated heap bytes of every database, and of those a load is filling aside (Redis's
     * used_memory counts its temporary databases too); see {@link Db#memory()}.
     */
    public long memory() {
        long n = 0;
        for (Db d : dbs) {
            n += d.memory();
        }
        Db[] s = staged;
        if (s != null) {
            for (Db d : s) {
                n += d.memory();
            }
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
