package dev.cinnabar.server.command;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.engine.Engine;
import java.util.Locale;

/**
 * The one place a command goes from arguments to handler. The checks run in Redis's order:
 * known command and subcommand, arity, protected commands (DEBUG), authentication; then (as they are built) ACL, cluster
 * slot, out-of-memory, MULTI queueing, pub/sub context, busy script, loading, read-only replica.
 * Handlers can rely on all of them and never recount their arguments.
 */
public final class Dispatcher {
    private final Engine engine;
    private final CommandTable table;

    public Dispatcher(Engine engine, CommandTable table) {
        this.engine = engine;
        this.table = table;
    }

    public void dispatch(Client c) {
        Argv argv = c.argv;
        CommandSpec cmd = table.lookup(argv, 0);
        if (cmd == null) {
            unknownCommand(c, argv);
            return;
        }
        if (cmd.isContainer() && argv.count() >= 2) {
            CommandSpec sub = cmd.subcommand(argv, 1);
            if (sub == null) {
                c.reply.error("ERR unknown subcommand '" + truncated(argv, 1, 128)
                        + "'. Try " + argv.latin1(0).toUpperCase(Locale.ROOT) + " HELP.");
                engine.stats().errorReplies++;
                return;
            }
            cmd = sub;
        }
        if (!cmd.arityAccepts(argv.count())) {
            reject(c, cmd, "ERR wrong number of arguments for '" + cmd.fullName + "' command");
            return;
        }
        if (cmd.has(CommandFlags.PROTECTED)) {
            String denied = ProtectedCommands.denial(c, cmd);
            if (denied != null) {
                reject(c, cmd, denied);
                return;
            }
        }
        if (!c.authenticated && !cmd.has(CommandFlags.NO_AUTH)) {
            reject(c, cmd, "NOAUTH Authentication required.");
            return;
        }
        call(c, cmd);
    }

    /** Runs a command that passed every check, with the time frozen and the statistics kept. */
    public void call(Client c, CommandSpec cmd) {
        engine.keyspace().updateTime();
        c.command = cmd;
        long errorsBefore = c.reply.errors();
        long start = System.nanoTime();
        try {
            cmd.execute(c);
        } catch (CommandError e) {
            c.reply.error(e.getMessage());
        }
        long micros = (System.nanoTime() - start) / 1000;
        cmd.calls++;
        cmd.microseconds += micros;
        if (c.reply.errors() != errorsBefore) {
            cmd.failedCalls++;
            engine.stats().errorReplies++;
        }
        engine.stats().commandsProcessed++;
        c.lastCommand = cmd;
    }

    private void reject(Client c, CommandSpec cmd, String error) {
        cmd.rejectedCalls++;
        engine.stats().errorReplies++;
        c.reply.error(error);
    }

    /**
     * Redis's text: the name and up to 128 characters of arguments, each quoted and followed by
     * a space, each cut to what is left of the 128.
     */
    private void unknownCommand(Client c, Argv argv) {
        StringBuilder args = new StringBuilder();
        for (int i = 1; i < argv.count() && args.length() < 128; i++) {
            int room = 128 - args.length(); // measured before the opening quote, as Redis does
            args.append('\'').append(truncated(argv, i, room)).append("' ");
        }
        c.reply.error("ERR unknown command '" + truncated(argv, 0, 128)
                + "', with args beginning with: " + args);
        engine.stats().errorReplies++;
    }

    /** Argument {@code i} cut at {@code max} bytes or at a NUL byte, as C's "%.*s" prints it. */
    static String truncated(Argv argv, int i, int max) {
        String s = argv.latin1(i);
        int nul = s.indexOf('\0');
        if (nul >= 0) {
            s = s.substring(0, nul);
        }
        return s.length() > max ? s.substring(0, max) : s;
    }
}
