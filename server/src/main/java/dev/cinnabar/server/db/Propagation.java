package dev.cinnabar.server.db;

import dev.cinnabar.protocol.Argv;
import java.util.Arrays;

/**
 * What replicas and the AOF must see of the writes, as Redis 7.0's call() and alsoPropagate
 * collect it: each execution unit (a client's command, an EXEC, a script, one active-expiry
 * deletion) gathers the commands its effects amount to, and when the outermost unit ends they go
 * to the sinks, wrapped in MULTI/EXEC when there is more than one, so that a replica applies
 * them atomically too.
 *
 * <p>What a command contributes is decided around it (see the dispatcher's call): its own
 * arguments, or the rewrite the command asked for (SET EX as SET PXAT, EXPIRE as PEXPIREAT,
 * ...), when it changed something; the keyspace adds a DEL (or UNLINK) for each key it expires
 * lazily or actively. With no sink attached nothing is collected: commands pay nothing.
 *
 * <p>Sinks get slices that live only while they are called: they encode what they keep.
 */
public final class Propagation {
    /** Where propagated commands go: the AOF, each replica's stream, a test's recorder. */
    public interface Sink {
        /** One command to apply in database {@code db}: a stream selects it first if it must. */
        void propagate(int db, Argv command);

        /** Which of {@link #TO_AOF} and {@link #TO_REPLICAS} this sink is; a recorder sees both. */
        default int target() {
            return TO_ALL;
        }
    }

    /** Redis's PROPAGATE_AOF: what the append-only file is to see. */
    public static final int TO_AOF = 1;
    /** Redis's PROPAGATE_REPL: what replicas are to see (PUBLISH goes to them alone). */
    public static final int TO_REPLICAS = 2;
    public static final int TO_ALL = TO_AOF | TO_REPLICAS;

    private static final Argv MULTI = Argv.of("MULTI");
    private static final Argv EXEC = Argv.of("EXEC");

    private Sink[] sinks = new Sink[0];
    /** The targets of the sinks attached, or'ed together. */
    private int sinkTargets;
    private int[] dbs = new int[4];
    private int[] targets = new int[4];
    private Argv[] commands = new Argv[4];
    private int size;
    private int depth;
    /** Whether the outermost unit may be wrapped in MULTI/EXEC. */
    private boolean transactional = true;
    /** Commands added meanwhile are dropped (DEBUG LOADAOF's commands, inside its own unit). */
    private boolean suspended;
    private boolean loading;

    /** True when anything listens: commands build rewrites only then. */
    public boolean active() {
        return sinks.length != 0;
    }

    public void addSink(Sink s) {
        sinks = Arrays.copyOf(sinks, sinks.length + 1);
        sinks[sinks.length - 1] = s;
        sinkTargets |= s.target();
    }

    public void removeSink(Sink s) {
        Sink[] left = new Sink[sinks.length];
        int n = 0;
        for (Sink x : sinks) {
            if (x != s) {
                left[n++] = x;
            }
        }
        sinks = Arrays.copyOf(left, n);
        sinkTargets = 0;
        for (Sink x : sinks) {
            sinkTargets |= x.target();
        }
    }

    /**
     * An execution unit starts; units nest (the commands of an EXEC, of a script). The outermost
     * decides whether what it gathers may be wrapped in MULTI/EXEC: not for a command that may
     * touch any key (SCAN, RANDOMKEY), whose expiry deletions go out one by one, as Redis does.
     */
    public void beginUnit(boolean transactional) {
        if (depth++ == 0) {
            this.transactional = transactional;
        }
    }

    /** An execution unit ends; the outermost one sends what was gathered. */
    public void endUnit() {
        if (--depth == 0 && size > 0) {
            flush();
        }
    }

    /**
     * Redis's alsoPropagate: {@code command} is to be applied in {@code db} after whatever this
     * unit gathered before it. Outside a unit (the cron's expiry) it goes out at once.
     * {@code command} must stay as it is until the unit ends.
     */
    public void add(int db, Argv command) {
        add(db, command, TO_ALL);
    }

    /**
     * {@link #add(int, Argv)} for the sinks of {@code target} alone (a mask of TO_AOF and
     * TO_REPLICAS). With no sink of that target it is not even gathered, as Redis's
     * alsoPropagate drops it: a transaction of PUBLISHes without replicas leaves no MULTI/EXEC
     * in the AOF (with replicas it leaves an empty one).
     */
    public void add(int db, Argv command, int target) {
        if ((sinkTargets & target) == 0 || suspended || loading) {
            return;
        }
        if (size == commands.length) {
            dbs = Arrays.copyOf(dbs, size * 2);
            targets = Arrays.copyOf(targets, size * 2);
            commands = Arrays.copyOf(commands, size * 2);
        }
        dbs[size] = db;
        targets[size] = target;
        commands[size] = command;
        size++;
        if (depth == 0) {
            flush();
        }
    }

    /** While the AOF loads nothing is propagated (Redis's shouldPropagate during loading). */
    public void loading(boolean on) {
        loading = on;
    }

    /** Drops, or again keeps, the commands added from now on; see {@link #add}. */
    public void suspend(boolean on) {
        suspended = on;
    }

    /**
     * Sends what the unit gathered. MULTI goes in the first command's database, so that the
     * stream selects it before the transaction; EXEC in the last one's, so that none is
     * selected before it. The wrapping goes to every sink, as Redis's propagatePendingCommands
     * does: while replicas are fed, a transaction of two PUBLISHes is an empty MULTI/EXEC in the AOF.
     */
    private void flush() {
        boolean transaction = size > 1 && transactional;
        if (transaction) {
            emit(dbs[0], MULTI, TO_ALL);
        }
        int last = dbs[size - 1];
        for (int i = 0; i < size; i++) {
            emit(dbs[i], commands[i], targets[i]);
            commands[i] = null;
        }
        if (transaction) {
            emit(last, EXEC, TO_ALL);
        }
        size = 0;
    }

    private void emit(int db, Argv command, int target) {
        for (Sink s : sinks) {
            if ((s.target() & target) != 0) {
                s.propagate(db, command);
            }
        }
    }
}
