package dev.cinnabar.server.client;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.command.CommandSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * What a client in MULTI has queued (Redis's multiState): each command with arguments of its own,
 * the union of their flags (CLIENT PAUSE WRITE holds an EXEC whose queue writes), and whether a
 * command was refused while queueing, which makes EXEC answer {@code -EXECABORT}.
 */
public final class Transaction {
    private final List<Argv> argvs = new ArrayList<>(2);
    private final List<CommandSpec> commands = new ArrayList<>(2);
    private long flags;
    /** A command was refused while queueing (Redis's CLIENT_DIRTY_EXEC). */
    boolean aborted;

    /** Queues the client's current command, keeping a copy of its arguments. */
    void queue(Argv argv, CommandSpec cmd, long cmdFlags) {
        argvs.add(argv.detach());
        commands.add(cmd);
        flags |= cmdFlags;
    }

    public int size() {
        return argvs.size();
    }

    public Argv argv(int i) {
        return argvs.get(i);
    }

    public CommandSpec command(int i) {
        return commands.get(i);
    }

    /** The union of the queued commands' flags. */
    public long flags() {
        return flags;
    }

    public boolean aborted() {
        return aborted;
    }

    /** Bytes of the queued arguments, for CLIENT LIST's {@code multi-mem} (Redis's argv_len_sums). */
    long argvBytes() {
        long n = 0;
        for (Argv a : argvs) {
            for (int i = 0; i < a.count(); i++) {
                n += a.length(i);
            }
            n += 8L * a.count();
        }
        return n;
    }
}
