package dev.cinnabar.server.client;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.command.CommandSpec;
import java.util.Arrays;

/**
 * What a client in MULTI has queued (Redis's multiState): each command with arguments of its own,
 * the union of their flags (CLIENT PAUSE WRITE holds an EXEC whose queue writes), and whether a
 * command was refused while queueing, which makes EXEC answer {@code -EXECABORT}.
 *
 * <p>A client keeps its transaction for the next one ({@link #worthKeeping}): the queued arguments are
 * copied into one byte array and described by argv objects that are refilled, not made anew. A
 * transaction of ten INCRs made 2.9 KB of garbage (an argv with four arrays and a copy of each
 * argument per command, and the lists growing) where now it makes none.
 */
public final class Transaction {
    /** A transaction whose queue went past these is not kept once it ends. */
    private static final int KEPT_COMMANDS = 64;
    private static final int KEPT_BYTES = 16 * 1024;

    private Argv[] argvs = new Argv[8];
    private CommandSpec[] commands = new CommandSpec[8];
    private int size;
    /** Where the queued arguments' bytes are copied; a full one is left to the argvs using it. */
    private byte[] bytes = new byte[512];
    private int used;
    private long flags;
    /** The union of the flags the queued commands lack (Redis's cmd_inv_flags). */
    private long missingFlags;
    /** A command was refused while queueing (Redis's CLIENT_DIRTY_EXEC). */
    boolean aborted;

    /** Queues the client's current command, keeping a copy of its arguments. */
    void queue(Argv argv, CommandSpec cmd, long cmdFlags) {
        if (size == argvs.length) {
            argvs = Arrays.copyOf(argvs, size * 2);
            commands = Arrays.copyOf(commands, size * 2);
        }
        Argv copy = argvs[size];
        if (copy == null) {
            copy = argvs[size] = new Argv(argv.count());
        }
        int n = argv.count();
        for (int i = 0; i < n; i++) {
            int len = argv.length(i);
            if (used + len > bytes.length) {
                // The arguments already queued keep the full array; the rest go to a new one.
                bytes = new byte[Math.max(bytes.length * 2, len)];
                used = 0;
            }
            System.arraycopy(argv.array(i), argv.offset(i), bytes, used, len);
            copy.add(bytes, used, len);
            used += len;
        }
        commands[size++] = cmd;
        flags |= cmdFlags;
        missingFlags |= ~cmdFlags;
    }

    public int size() {
        return size;
    }

    public Argv argv(int i) {
        return argvs[i];
    }

    public CommandSpec command(int i) {
        return commands[i];
    }

    /** The union of the queued commands' flags. */
    public long flags() {
        return flags;
    }

    /** The union of the flags some queued command lacks: STALE here means one may not run stale. */
    public long missingFlags() {
        return missingFlags;
    }

    public boolean aborted() {
        return aborted;
    }

    /**
     * Whether the transaction, once ended, is small enough to keep for the client's next MULTI:
     * one that queued a big value or very many commands is left to the collector.
     */
    boolean worthKeeping() {
        return size <= KEPT_COMMANDS && bytes.length <= KEPT_BYTES;
    }

    /**
     * Empties the transaction for the client's next MULTI. Not done when it ends: what EXEC
     * propagated still refers to its argvs until EXEC's own unit ends.
     */
    void reset() {
        for (int i = 0; i < size; i++) {
            argvs[i].clear();
            commands[i] = null;
        }
        size = 0;
        used = 0;
        flags = 0;
        missingFlags = 0;
        aborted = false;
    }

    /** Bytes of the queued arguments, for CLIENT LIST's {@code multi-mem} (Redis's argv_len_sums). */
    long argvBytes() {
        long n = 0;
        for (int k = 0; k < size; k++) {
            Argv a = argvs[k];
            for (int i = 0; i < a.count(); i++) {
                n += a.length(i);
            }
            n += 8L * a.count();
        }
        return n;
    }
}
