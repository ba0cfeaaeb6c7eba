package dev.cinnabar.server.client;

import dev.cinnabar.datatypes.value.StreamType;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.protocol.ReplyWriter;
import dev.cinnabar.server.command.CommandSpec;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.db.KeyspaceObserver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Clients blocked on keys, as Redis 7.0's blocked.c keeps them: for each database, the clients
 * waiting on each key in the order they blocked (the first to block is the first served), the
 * keys that became ready since the last command, the clients whose wait has a deadline, and the
 * clients just let go whose further input is still to be read.
 *
 * <p>A blocking command that finds nothing to do calls {@link #block} with a {@link Waiter}: what
 * to try when one of its keys may be ready, and what to answer on a timeout. The client then
 * reads no further command ({@link Client#BLOCKED} is counted in {@link Client#canRunCommand()}).
 * A key may be ready when it is created ({@link #keyAdded}: Redis's dbAdd) and when SWAPDB brings
 * in a database holding it ({@link #databaseFlushed}). The ready keys are served after the
 * command that made them ready (the exec layer's after-command step), and keys made ready while
 * serving are served in the same pass, as Redis's handleClientsBlockedOnKeys loops.
 *
 * <p>Only the engine thread touches this.
 */
public final class BlockedClients implements KeyspaceObserver {
    /** What a blocked command does once it may go on; its instance keeps its own arguments. */
    public interface Waiter {
        /**
         * A key the client waits on may be ready: serve the client from it (write its reply, do
         * the command's work, propagate what Redis propagates) and return true; or return false
         * to keep waiting (the key holds nothing for it, or a value of another type). An answer
         * that ends the wait with an error also returns true.
         */
        boolean serve(Client c, Db db, byte[] key);

        /** The wait is over without data (its timeout, CLIENT UNBLOCK TIMEOUT): the reply. */
        default void timedOut(ReplyWriter reply) {
            reply.nullArray();
        }
    }

    /**
     * SHUTDOWN waiting for the replicas: only the shutdown ends it (the process exits), or its
     * failure or SHUTDOWN ABORT, which answer Redis's error.
     */
    public static final Waiter SHUTDOWN = new Waiter() {
        @Override
        public boolean serve(Client c, Db db, byte[] key) {
            return false;
        }

        @Override
        public void timedOut(ReplyWriter reply) {
            reply.error("ERR Errors trying to SHUTDOWN. Check logs.");
        }
    };

    /** What a blocked client waits for; kept in the client while it is blocked. */
    public static final class Blocking {
        final Db db;
        final byte[][] keys;
        /** Unix milliseconds, or 0: no deadline. */
        final long deadline;
        final Waiter waiter;
        /** The blocked command's arguments, its own copy (the decoder keeps reading meanwhile). */
        final Argv argv;
        final CommandSpec command;
        /** How long the command ran when it blocked; counted again when it ends, as Redis does. */
        long micros;
        /** XREAD or XREADGROUP: see {@link #blockOnStreams}. */
        boolean onStreams;

        Blocking(Db db, byte[][] keys, long deadline, Waiter waiter, Argv argv, CommandSpec command) {
            this.db = db;
            this.keys = keys;
            this.deadline = deadline;
            this.waiter = waiter;
            this.argv = argv;
            this.command = command;
        }

        public Db db() {
            return db;
        }

        public Waiter waiter() {
            return waiter;
        }

        /** The first key it waits on (cluster mode moves the client on when that key's slot leaves). */
        public byte[] firstKey() {
            return keys.length == 0 ? null : keys[0];
        }

        public Argv argv() {
            return argv;
        }

        public CommandSpec command() {
            return command;
        }

        public long deadline() {
            return deadline;
        }

        /** The time the blocking call took, in microseconds. */
        public long micros() {
            return micros;
        }

        public void micros(long m) {
            micros = m;
        }
    }

    /** A key of a database that may be ready. */
    public static final class ReadyKey {
        public final Db db;
        public final byte[] key;

        ReadyKey(Db db, byte[] key) {
            this.db = db;
            this.key = key;
        }
    }

    /** A key as a map key: its bytes. */
    private static final class Key {
        final byte[] bytes;
        final int hash;

        Key(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private static final Comparator<Client> BY_DEADLINE =
            Comparator.<Client>comparingLong(c -> c.blocking.deadline).thenComparingLong(c -> c.id);

    /** Per database id: key -> the clients waiting on it, in the order they blocked. */
    private final Map<Integer, Map<Key, LinkedHashSet<Client>>> waiting = new HashMap<>();
    private List<ReadyKey> ready = new ArrayList<>();
    /** Per database id: the keys in {@link #ready}, so that a key is queued once. */
    private final Map<Integer, Set<Key>> readySet = new HashMap<>();
    private final TreeSet<Client> deadlines = new TreeSet<>(BY_DEADLINE);
    private final List<Client> unblocked = new ArrayList<>();
    private int count;
    /** Clients blocked by XREAD or XREADGROUP. */
    private int streamWaiters;

    // ------------------------------------------------------------------ blocking and unblocking

    /**
     * Blocks {@code c}, whose command is running, on {@code keys} of {@code db} (duplicates count
     * once) until {@code deadline} (Unix milliseconds; 0: no deadline). The client must not have
     * {@link Client#denyBlocking} set: a command then answers as if it had timed out.
     */
    public void block(Client c, Db db, byte[][] keys, long deadline, Waiter waiter) {
        if (c.blocking != null || c.denyBlocking) {
            throw new IllegalStateException("client " + c.id + " cannot block");
        }
        Map<Key, LinkedHashSet<Client>> byKey = waiting.computeIfAbsent(db.id, i -> new HashMap<>());
        List<byte[]> distinct = new ArrayList<>(keys.length);
        Set<Key> seen = new HashSet<>();
        for (byte[] k : keys) {
            Key key = new Key(k);
            if (seen.add(key)) {
                distinct.add(k);
                byKey.computeIfAbsent(key, x -> new LinkedHashSet<>()).add(c);
            }
        }
        c.blocking = new Blocking(db, distinct.toArray(new byte[0][]), deadline, waiter, c.argv.detach(),
                c.command);
        c.set(Client.BLOCKED);
        count++;
        if (deadline != 0) {
            deadlines.add(c);
        }
    }

    /**
     * {@link #block} for XREAD and XREADGROUP. Redis signals a key whose stream goes (deleted or
     * overwritten) only while some client, on any key, waits on streams: its signal carries the
     * stream type and is dropped otherwise, so a client waiting on another type for that key is
     * then not served by the new value. Counted here to do the same.
     */
    public void blockOnStreams(Client c, Db db, byte[][] keys, long deadline, Waiter waiter) {
        block(c, db, keys, deadline, waiter);
        c.blocking.onStreams = true;
        streamWaiters++;
    }

    /**
     * Ends {@code c}'s wait (served, timed out, CLIENT UNBLOCK): it leaves every key and the
     * deadlines, and is queued so that the input it sent meanwhile is read ({@link #takeUnblocked}).
     * Returns what it waited for, or null when it was not blocked.
     */
    public Blocking unblock(Client c) {
        Blocking b = forget(c);
        if (b != null && !c.isClosed()) {
            unblocked.add(c);
        }
        return b;
    }

    /** The client is freed: it leaves every key and the deadlines, leaving nothing behind. */
    public void remove(Client c) {
        forget(c);
        unblocked.remove(c);
    }

    private Blocking forget(Client c) {
        Blocking b = c.blocking;
        if (b == null) {
            return null;
        }
        if (b.deadline != 0) {
            deadlines.remove(c);
        }
        Map<Key, LinkedHashSet<Client>> byKey = waiting.get(b.db.id);
        for (byte[] k : b.keys) {
            Key key = new Key(k);
            LinkedHashSet<Client> clients = byKey.get(key);
            if (clients != null) {
                clients.remove(c);
                if (clients.isEmpty()) {
                    byKey.remove(key);
                }
            }
        }
        c.blocking = null;
        c.clear(Client.BLOCKED);
        count--;
        if (b.onStreams) {
            streamWaiters--;
        }
        return b;
    }

    /** What {@code c} waits for, or null when it is not blocked on keys. */
    public static Blocking of(Client c) {
        return c.blocking;
    }

    /** Clients blocked on keys. */
    public int count() {
        return count;
    }

    /** Blocked clients with a deadline (INFO's {@code clients_in_timeout_table}). */
    public int withDeadline() {
        return deadlines.size();
    }

    /** The clients waiting on {@code key} of {@code db}, first blocked first; a copy. */
    public Client[] waitingOn(Db db, byte[] key) {
        Map<Key, LinkedHashSet<Client>> byKey = waiting.get(db.id);
        LinkedHashSet<Client> clients = byKey == null ? null : byKey.get(new Key(key));
        return clients == null ? new Client[0] : clients.toArray(new Client[0]);
    }

    /** True while {@code c} still waits on {@code key} of {@code db}. */
    public boolean isWaitingOn(Client c, Db db, byte[] key) {
        Blocking b = c.blocking;
        if (b == null || b.db != db) {
            return false;
        }
        for (byte[] k : b.keys) {
            if (Arrays.equals(k, key)) {
                return true;
            }
        }
        return false;
    }

    /** The blocked clients whose deadline is before {@code nowMillis}, earliest first. */
    public List<Client> due(long nowMillis) {
        List<Client> out = null;
        for (Client c : deadlines) {
            if (c.blocking.deadline >= nowMillis) {
                break;
            }
            if (out == null) {
                out = new ArrayList<>();
            }
            out.add(c);
        }
        return out == null ? List.of() : out;
    }

    /** The clients let go since the last call, in that order: their pending input is to be read. */
    public List<Client> takeUnblocked() {
        if (unblocked.isEmpty()) {
            return List.of();
        }
        List<Client> out = new ArrayList<>(unblocked);
        unblocked.clear();
        return out;
    }

    public boolean hasUnblocked() {
        return !unblocked.isEmpty();
    }

    // ------------------------------------------------------------------ ready keys

    /** Redis's signalKeyAsReady: queues the key if someone waits on it and it is not queued yet. */
    public void signal(Db db, byte[] key, int off, int len) {
        if (count == 0) {
            return;
        }
        Map<Key, LinkedHashSet<Client>> byKey = waiting.get(db.id);
        if (byKey == null || byKey.isEmpty()) {
            return;
        }
        Key k = new Key(off == 0 && len == key.length ? key : Arrays.copyOfRange(key, off, off + len));
        if (!byKey.containsKey(k)) {
            return;
        }
        if (readySet.computeIfAbsent(db.id, i -> new HashSet<>()).add(k)) {
            ready.add(new ReadyKey(db, k.bytes));
        }
    }

    public boolean hasReady() {
        return !ready.isEmpty();
    }

    /**
     * The keys queued so far, in the order they became ready; keys signalled from here on go to a
     * fresh list. Each must be passed to {@link #served} before its clients are tried, so that
     * serving them can queue the key again.
     */
    public List<ReadyKey> takeReady() {
        List<ReadyKey> out = ready;
        ready = new ArrayList<>();
        return out;
    }

    /** The key is being served: it may be queued again. */
    public void served(ReadyKey r) {
        Set<Key> s = readySet.get(r.db.id);
        if (s != null) {
            s.remove(new Key(r.key));
        }
    }

    @Override
    public void keyAdded(Db db, byte[] key, int off, int len) {
        signal(db, key, off, len);
    }

    /** Redis signals a stream's key when the stream goes, for XREADGROUP's waiters to fail. */
    @Override
    public void streamRemoved(Db db, byte[] key, int off, int len) {
        if (streamWaiters > 0) {
            signal(db, key, off, len);
        }
    }

    private static boolean holdsStream(Db db, byte[] key) {
        dev.cinnabar.server.db.KeyEntry e = db.find(key);
        return e != null && StreamType.TYPE.holds(e.value());
    }

    /**
     * Redis's scanDatabaseForDeletedStreams: before a flush or a swap, each key waited on that
     * holds a stream and will not hold one after is signalled.
     */
    @Override
    public void beforeFlush(Db db, Db replacedWith) {
        if (streamWaiters == 0) {
            return;
        }
        Map<Key, LinkedHashSet<Client>> byKey = waiting.get(db.id);
        if (byKey == null) {
            return;
        }
        for (Key k : byKey.keySet().toArray(new Key[0])) {
            boolean wasStream = holdsStream(db, k.bytes);
            boolean isStream = replacedWith != null && holdsStream(replacedWith, k.bytes);
            if (wasStream && !isStream) {
                signal(db, k.bytes, 0, k.bytes.length);
            }
        }
    }

    /**
     * After SWAPDB (and a flush, where it finds nothing) the keys waited on that exist in the
     * database now may be ready: Redis's scanDatabaseForReadyKeys.
     */
    @Override
    public void databaseFlushed(Db db) {
        if (count == 0) {
            return;
        }
        Map<Key, LinkedHashSet<Client>> byKey = waiting.get(db.id);
        if (byKey == null) {
            return;
        }
        for (Key k : byKey.keySet().toArray(new Key[0])) {
            // A look at the table, as Redis's scanDatabaseForReadyKeys: not a read that counts a
            // hit or a miss or fires keymiss; a key whose time has passed expires when served.
            if (db.contains(k.bytes, 0, k.bytes.length)) {
                signal(db, k.bytes, 0, k.bytes.length);
            }
        }
    }
}
