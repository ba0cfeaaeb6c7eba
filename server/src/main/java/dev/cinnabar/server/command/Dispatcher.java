package dev.cinnabar.server.command;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.ClientPause;
import dev.cinnabar.server.client.Monitors;
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
        c.lastCommand = cmd;
        if (cmd == null) {
            unknownCommand(c, argv);
            return;
        }
        if (cmd.isContainer() && argv.count() >= 2) {
            CommandSpec sub = cmd.subcommand(argv, 1);
            c.lastCommand = sub;
            if (sub == null) {
                c.reply.error("ERR unknown subcommand '" + truncated(argv, 1, 128)
                        + "'. Try " + argv.latin1(0).toUpperCase(Locale.ROOT) + " HELP.");
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
        if (c.monitor && cmd.has(CommandFlags.READONLY | CommandFlags.WRITE | CommandFlags.MAY_REPLICATE)) {
            // A monitor counts as a replica in Redis, and replicas may not touch the keyspace.
            reject(c, cmd, "ERR Replica can't interact with the keyspace");
            return;
        }
        if (heldByPause(c, cmd)) {
            return;
        }
        call(c, cmd);
    }

    /**
     * CLIENT PAUSE: parks the command instead of running it (monitors, like replicas, are
     * never paused). The engine runs it when the pause ends.
     */
    private boolean heldByPause(Client c, CommandSpec cmd) {
        ClientPause pause = engine.clients().pause();
        if (!pause.active() || c.monitor || !pause.holds(c, cmd)) {
            return false;
        }
        pause.postpone(c);
        return true;
    }

    /** CLIENT NO-TOUCH: the command's lookups leave the access data alone, except TOUCH's. */
    private void beginNoTouch(Client c, CommandSpec cmd) {
        engine.keyspace().noTouch(c.noTouch && !cmd.fullName.equals("touch"));
    }

    /**
     * MONITOR: every command that ran, after it ran (so SELECT shows its new database), except
     * the administrative ones and those that ask not to be shown; secrets redacted.
     */
    private void feedMonitors(Client c, CommandSpec cmd) {
        Monitors monitors = engine.clients().monitors();
        if (monitors.isEmpty() || cmd.has(CommandFlags.SKIP_MONITOR | CommandFlags.ADMIN)) {
            return;
        }
        byte[] line = Monitors.line(engine.clock().micros(), c.db().id, c,
                engine.config().unixSocket, c.argv);
        for (Client m : monitors.all()) {
            if (!m.closed && !m.repliesSuppressed()) {
                engine.output(m).raw(line);
            }
        }
    }

    /**
     * Runs a command that passed every check, with the time frozen, and keeps the statistics:
     * one clock reading on each side of the handler, nothing allocated unless the slow log or
     * the latency monitor takes the command.
     */
    public void call(Client c, CommandSpec cmd) {
        engine.keyspace().updateTime();
        beginNoTouch(c, cmd);
        c.command = cmd;
        c.clearRedactions(); // what the previous command hid, even if it ended in an exception
        long errorsBefore = c.reply.errors();
        long start = engine.clock().nanos();
        try {
            cmd.execute(c);
        } catch (CommandError e) {
            c.reply.error(e.getMessage());
        }
        long micros = (engine.clock().nanos() - start) / 1000;
        engine.stats().afterCall(c, cmd, micros, c.reply.errors() != errorsBefore);
        c.lastCommand = cmd;
        engine.keyspace().noTouch(false);
        feedMonitors(c, cmd);
    }

    private void reject(Client c, CommandSpec cmd, String error) {
        cmd.rejectedCalls++;
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
