package dev.cinnabar.server.exec;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.acl.AclCheck;
import dev.cinnabar.server.client.BlockedClients;
import dev.cinnabar.server.client.BusyState;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.ClientPause;
import dev.cinnabar.server.client.CommandRouter;
import dev.cinnabar.server.client.Monitors;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.client.Tracking;
import dev.cinnabar.server.client.Transaction;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.command.CommandFlags;
import dev.cinnabar.server.command.CommandKeys;
import dev.cinnabar.server.command.CommandSpec;
import dev.cinnabar.server.command.CommandTable;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.db.KeyPrefetch;
import dev.cinnabar.server.db.Keyspace;
import dev.cinnabar.server.db.Propagation;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.stats.LatencyHistogram;
import dev.cinnabar.server.stats.ServerStats;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * The one place a command goes from arguments to handler, Redis's processCommand and call().
 *
 * <p>The checks run in Redis's order: known command and subcommand, arity, protected commands
 * (DEBUG), authentication, commands MULTI refuses, ACL, out-of-memory, disk errors, the pub/sub
 * context, a monitor touching keys, loading and busy scripts, CLIENT PAUSE and MULTI queueing
 * (cluster mode's slot check comes after the ACL, as in Redis). Handlers rely on all
 * of them and never recount their arguments.
 *
 * <p>{@link #call} runs a command that passed, with the time frozen, and does what follows every
 * command: the statistics, the slow log, MONITOR, the count of changes, and propagation.
 */
public final class Dispatcher {
    private final ServerContext server;
    private final CommandTable table;
    private final CommandHandlers handlers;
    private final KeyPrefetch keyPrefetch = new KeyPrefetch();
    private static final byte[] QUEUED = {'Q', 'U', 'E', 'U', 'E', 'D'};
    static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";
    /** Redis's roslaveerr: a write to a replica with replica-read-only yes. */
    public static final String READONLY_REPLICA = "READONLY You can't write against a read only replica.";
    /** Redis's masterdownerr: replica-serve-stale-data no while the link is down. */
    public static final String MASTERDOWN = "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
    public static final String NOREPLICAS = "NOREPLICAS Not enough good replicas to write.";
    public static final String MISCONF = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to "
            + "persist to disk. Commands that may modify the data set are disabled, because this instance is "
            + "configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error "
            + "option). Please check the Redis logs for details about the RDB error.";
    /**
     * Read-only, but what a tracking client reads through them is remembered by the commands
     * the script runs (as the script's declared keys), not by the script command itself.
     */
    private static final java.util.Set<String> READ_ONLY_SCRIPTS = java.util.Set.of("eval_ro", "evalsha_ro", "fcall_ro");
    private AfterCommandStep[] afterCommand = new AfterCommandStep[0];

    /** Warms the keys of a pipelined batch, or of a command that names several. */
    public KeyPrefetch keyPrefetch() {
        return keyPrefetch;
    }

    public Dispatcher(ServerContext server, CommandHandlers handlers) {
        this.server = server;
        this.table = handlers.table();
        this.handlers = handlers;
        server.caller(this::call);
    }

    /** Adds work to do after every command a client sends (see {@link AfterCommandStep}). */
    public void afterCommand(AfterCommandStep step) {
        afterCommand = Arrays.copyOf(afterCommand, afterCommand.length + 1);
        afterCommand[afterCommand.length - 1] = step;
    }

    /** Checks and runs the client's command ({@link Client#argv}), then the after-command steps. */
    public void dispatch(Client c) {
        Argv argv = c.argv;
        CommandSpec cmd = table.lookup(argv, 0);
        c.lastCommand = cmd;
        if (cmd == null) {
            c.flagTransaction();
            unknownCommand(c, argv);
            return;
        }
        if (cmd.isContainer() && argv.count() >= 2) {
            CommandSpec sub = cmd.subcommand(argv, 1);
            c.lastCommand = sub;
            if (sub == null) {
                c.flagTransaction();
                c.reply.error("ERR unknown subcommand '" + argv.cString(1, 128)
                        + "'. Try " + argv.cStringUpper(0) + " HELP.");
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
        if (!c.authenticated && !cmd.has(CommandFlags.NO_AUTH) && server.acl().authRequired()) {
            reject(c, cmd, "NOAUTH Authentication required.");
            return;
        }
        if (c.has(Client.MULTI) && cmd.has(CommandFlags.NO_MULTI)) {
            reject(c, cmd, "ERR Command not allowed inside a transaction");
            return;
        }
        // The master's stream and the AOF are obeyed: no check that could refuse them (Redis's obey_client).
        boolean obey = c.mustObey();
        if (!obey && !c.user.unrestricted() && deniedByAcl(c, cmd)) {
            return;
        }
        boolean replica = !server.config().masterHost.isEmpty();
        // maxmemory: evict first; refuse what could grow the dataset if that was not enough.
        // A replica that ignores maxmemory leaves its memory to its master's evictions.
        long flags = server.commandFlags(c, cmd);
        // ASKING counts for the next command only (or the transaction it is sent in).
        boolean asking = c.has(Client.ASKING);
        if (asking && (!c.has(Client.MULTI) || cmd.fullName.equals("exec")) && !cmd.fullName.equals("asking")) {
            c.clear(Client.ASKING);
        }
        c.asking = asking;
        c.slot = -1;
        CommandRouter router = server.router;
        if (router != null && !obey && (CommandKeys.routed(cmd) || cmd.fullName.equals("exec"))) {
            String redirection = router.redirect(c, cmd, flags, asking);
            if (redirection != null) {
                redirect(c, cmd, redirection);
                return;
            }
        }
        if (!server.busy().active() && !(replica && server.config().replicaIgnoreMaxmemory)) {
            boolean oom = server.eviction().active() && !server.evictIfNeeded();
            if (oom && deniedWhenOutOfMemory(c, cmd, flags)) {
                reject(c, cmd, OOM);
                return;
            }
            server.eviction().outOfMemoryAtCommandStart(oom);
        }
        // Redis's writeCommandsDeniedByDiskError: a failed BGSAVE first, then the AOF's error.
        boolean rdbError = server.diskError.getAsBoolean();
        String aofError = server.aofDiskError.get();
        if ((rdbError || aofError != null) && deniedOnDiskError(c, cmd, flags)) {
            if (obey) {
                replicaCannotPersist(cmd);
            } else {
                reject(c, cmd, rdbError ? MISCONF : aofError);
                return;
            }
        }
        if (!replica && !server.config().enoughGoodReplicas(server.goodReplicas) && isWrite(c, cmd, flags)) {
            reject(c, cmd, NOREPLICAS);
            return;
        }
        if (replica && !obey && server.config().replicaReadOnly && isWrite(c, cmd, flags)) {
            reject(c, cmd, READONLY_REPLICA);
            return;
        }
        if (c.pubsub && c.protocol() == 2 && !SubscribedContext.allows(cmd)) {
            reject(c, cmd, "ERR Can't execute '" + cmd.fullName + "': only (P|S)SUBSCRIBE / "
                    + "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
            return;
        }
        if (c.monitor && cmd.has(CommandFlags.READONLY | CommandFlags.WRITE | CommandFlags.MAY_REPLICATE)) {
            // A monitor counts as a replica in Redis, and replicas may not touch the keyspace.
            reject(c, cmd, "ERR Replica can't interact with the keyspace");
            return;
        }
        BusyState busy = server.busy();
        if (busy.active() && (busy.asyncLoading() ? deniedWhenAsyncLoading(c, cmd)
                : !cmd.has(busy.loading() ? CommandFlags.LOADING : CommandFlags.ALLOW_BUSY))) {
            reject(c, cmd, busy.rejection());
            return;
        }
        if (server.servesNoStaleData() && deniedWhenStale(c, cmd, flags)) {
            reject(c, cmd, MASTERDOWN);
            return;
        }
        Tracking tracking = server.clients().tracking();
        if (tracking.active()) {
            tracking.limitTable(server.config().trackingTableMaxKeys);
        }
        if (heldByPause(c, cmd, flags)) {
            return;
        }
        if (c.has(Client.MULTI) && queues(cmd)) {
            c.queue(cmd, flags);
            c.reply.simple(QUEUED);
            return;
        }
        call(c, cmd);
        c.writeOffset = server.ids().replicationOffset();
        afterCommandSteps(c);
    }

    /**
     * Runs the after-command steps for {@code c}: after each of its commands, and after each
     * request of a memcached connection, whose requests do not pass through {@link #dispatch}.
     */
    public void afterCommandSteps(Client c) {
        for (AfterCommandStep step : afterCommand) {
            step.afterCommand(c);
        }
    }

    /**
     * The ACL check (Redis's ACLCheckAllPerm in processCommand): the command, its keys and its
     * channels against the client's user. A refusal goes to ACL LOG and is answered with -NOPERM.
     */
    private boolean deniedByAcl(Client c, CommandSpec cmd) {
        AclCheck check = server.acl().check;
        int reason = check.check(c.user, cmd, c.argv, 0);
        if (reason == AclCheck.OK) {
            return false;
        }
        dev.cinnabar.server.client.AclDenials.log(c, reason, check.position(), c.has(Client.MULTI) ? "multi" : "toplevel", cmd, c.argv, 0);
        reject(c, cmd, AclCheck.refusal(reason, cmd));
        return true;
    }

    /**
     * Over maxmemory with nothing left to evict, Redis refuses the commands that may grow the
     * dataset (DENYOOM, or an EXEC with one queued) and, inside MULTI, anything that would be
     * queued, since a queue can grow without bound; EXEC, DISCARD, QUIT and RESET still work.
     */
    private static boolean deniedWhenOutOfMemory(Client c, CommandSpec cmd, long flags) {
        boolean exec = cmd.fullName.equals("exec");
        Transaction t = c.transaction();
        if ((flags & CommandFlags.DENYOOM) != 0 || (exec && t != null && (t.flags() & CommandFlags.DENYOOM) != 0)) {
            return true;
        }
        String n = cmd.fullName;
        return c.has(Client.MULTI) && !(exec || n.equals("discard") || n.equals("quit") || n.equals("reset"));
    }

    /** After a failed BGSAVE Redis refuses writes (an EXEC with one queued too), and PING. */
    private static boolean deniedOnDiskError(Client c, CommandSpec cmd, long flags) {
        return isWrite(c, cmd, flags) || cmd.fullName.equals("ping");
    }

    private long lastDiskErrorWarning;

    /**
     * A write from the master while this replica cannot persist (a failed BGSAVE with save
     * points, or an AOF write error): Redis 7.0 panics unless replica-ignore-disk-write-errors,
     * and then (and for PING) applies it with a warning at most every ten seconds.
     */
    private void replicaCannotPersist(CommandSpec cmd) {
        if (!server.config().replicaIgnoreDiskWriteErrors && !cmd.fullName.equals("ping")) {
            ServerLog.warning("------------------------------------------------");
            ServerLog.warning("!!! Software Failure. Press left mouse button to continue");
            ServerLog.warning("Guru Meditation: Replica was unable to write command to disk. #Dispatcher.java");
            System.out.flush();
            Runtime.getRuntime().halt(134);
        }
        long now = server.clock().millis();
        if (now > lastDiskErrorWarning + 10_000) {
            lastDiskErrorWarning = now;
            ServerLog.warning("Replica is applying a command even though it is unable to write to disk.");
        }
    }

    /** Not flagged stale, or an EXEC with such a command queued: Redis's is_denystale_command. */
    private static boolean deniedWhenStale(Client c, CommandSpec cmd, long flags) {
        if ((flags & CommandFlags.STALE) == 0) {
            return true;
        }
        Transaction t = c.transaction();
        return cmd.fullName.equals("exec") && t != null && (t.missingFlags() & CommandFlags.STALE) != 0;
    }

    /** Flagged no_async_loading, or an EXEC with such a command queued: Redis's is_deny_async_loading_command. */
    private static boolean deniedWhenAsyncLoading(Client c, CommandSpec cmd) {
        if (cmd.has(CommandFlags.NO_ASYNC_LOADING)) {
            return true;
        }
        Transaction t = c.transaction();
        return cmd.fullName.equals("exec") && t != null && (t.flags() & CommandFlags.NO_ASYNC_LOADING) != 0;
    }

    /** A write, or an EXEC with a write queued: Redis's is_write_command. */
    private static boolean isWrite(Client c, CommandSpec cmd, long flags) {
        Transaction t = c.transaction();
        boolean exec = cmd.fullName.equals("exec");
        return (flags & CommandFlags.WRITE) != 0 || (exec && t != null && (t.flags() & CommandFlags.WRITE) != 0);
    }

    /** Inside MULTI every command is queued but those that end or shape the transaction. */
    private static boolean queues(CommandSpec cmd) {
        String n = cmd.fullName;
        return !(n.equals("exec") || n.equals("discard") || n.equals("multi") || n.equals("watch")
                || n.equals("quit") || n.equals("reset"));
    }

    /**
     * CLIENT PAUSE: parks the command instead of running it (monitors, like replicas, are
     * never paused). The engine runs it when the pause ends.
     */
    private boolean heldByPause(Client c, CommandSpec cmd, long flags) {
        ClientPause pause = server.clients().pause();
        if (!pause.active() || c.monitor || !pause.holds(c, cmd, flags)) {
            return false;
        }
        pause.postpone(c);
        return true;
    }

    /**
     * Runs a command that passed every check: Redis's call(). The time is frozen for it, its
     * writes are signalled once per key with this client, and afterwards its changes are added to
     * {@code dirty} and, when it changed anything (or asked to), what it amounts to is
     * propagated: its own arguments or the rewrite it asked for, after whatever its lazy expiry
     * propagated. One clock reading on each side of the handler; nothing is allocated unless the
     * slow log, the latency monitor or a propagation sink takes the command.
     */
    public void call(Client c, CommandSpec cmd) {
        Keyspace ks = server.keyspace();
        Propagation propagation = ks.propagation();
        boolean outermost = ks.commandDepth() == 0;
        Tracking tracking = server.clients().tracking();
        long start = server.clock().nanos();
        if (outermost) {
            // Commands run by another (EXEC, a script) see the time their caller started at.
            ks.updateTime(start);
            tracking.commandStarts(c);
        }
        boolean callerNoTouch = ks.noTouch();
        ks.noTouch(c.noTouch && !cmd.fullName.equals("touch"));
        c.command = cmd;
        c.clearRedactions(); // what the previous command hid, even if it ended in an exception
        c.clearEffects();
        propagation.beginUnit(!cmd.has(CommandFlags.TOUCHES_ARBITRARY_KEYS));
        ks.beginCommand(c);
        ServerStats stats = server.stats();
        // Errors replied before this command are not its own.
        stats.takeErrors();
        stats.takeErrorsPassedOn();
        ByteBuf replyBefore = c.reply.buffer();
        int replyMark = replyBefore == null ? 0 : replyBefore.writerIndex();
        try {
            try {
                if (cmd.keyStep > 0 && cmd.lastKey != cmd.firstKey) {
                    keyPrefetch.warmKeys(c.db(), c.argv, cmd.firstKey, cmd.lastKey, cmd.keyStep);
                }
                handlers.of(cmd).execute(c);
            } catch (CommandError e) {
                c.reply.error(e.getMessage());
            } catch (OutOfMemoryError e) {
                heapExhausted(c, cmd, replyBefore, replyMark);
            }
            // A read from a script makes its caller remember the keys the script declared.
            Client reader = c.scriptCaller != null ? c.scriptCaller : c;
            if ((reader.tracking & (Tracking.ON | Tracking.BCAST)) == Tracking.ON && cmd.has(CommandFlags.READONLY)
                    && !READ_ONLY_SCRIPTS.contains(cmd.fullName)) {
                tracking.rememberKeys(reader, reader == c ? cmd : reader.command, reader.argv);
            }
            long changes = c.declaredChanges() >= 0 ? c.declaredChanges() : ks.commandChanges();
            ks.dirty += changes;
            int targets = c.propagationTargets();
            if ((changes > 0 || c.propagationForced()) && !c.propagationPrevented() && targets != 0
                    && propagation.active()) {
                Argv as = c.propagatedAs();
                propagation.add(c.db().id, as != null ? as : c.argv, targets);
            }
        } finally {
            ks.endCommand();
            propagation.endUnit();
            ks.noTouch(callerNoTouch);
            if (outermost) {
                // After the reply: a client's own invalidations never split it.
                tracking.commandEnds();
            }
        }
        long micros = (server.clock().nanos() - start) / 1000;
        // Failed: it answered an error, or wrote one to another client (CLIENT UNBLOCK ... ERROR),
        // as Redis compares its global count of error replies; and once more for each error a
        // script passed on, as Redis counts those where they are written.
        int failures = (stats.takeErrors() ? 1 : 0) + stats.takeErrorsPassedOn();
        if (c.id == Client.AOF_CLIENT_ID) {
            // Replaying the AOF: no statistics, slow log or MONITOR, as Redis's loading
            return;
        }
        record(c, cmd, micros, failures);
        if (outermost) {
            // As Redis's lastcmd: the client's own command, not those an EXEC runs.
            c.lastCommand = cmd;
        }
        feedMonitors(c, cmd);
    }

    /**
     * The heap ran out while the command ran (a reply or a value bigger than what is left): the
     * command fails with Redis's OOM error instead of the JVM going down. Whatever part of its
     * reply was written is taken back; if some of it already went out, the connection cannot
     * be kept in step and is closed after the error. The heap guard ({@code heap-reserve})
     * refuses writes before this point in all but the largest single commands.
     */
    private void heapExhausted(Client c, CommandSpec cmd, ByteBuf replyBefore, int replyMark) {
        ByteBuf now = c.reply.buffer();
        if (now != null && now == replyBefore && now.writerIndex() >= replyMark) {
            now.writerIndex(replyMark);
        } else if (now != replyBefore) {
            c.closeAfterReply();
        }
        ServerLog.warning("The Java heap was exhausted running '" + cmd.fullName + "' for client id=" + c.id
                + "; the command failed with -OOM. Consider a lower maxmemory, a larger -Xmx or a larger heap-reserve.");
        c.reply.error(OOM);
    }

    /**
     * What every executed command adds once it has run: its counters, its latency histogram, the
     * slow log and the latency monitor. Rejected commands never get here.
     */
    private void record(Client c, CommandSpec cmd, long micros, int failures) {
        cmd.calls++;
        cmd.microseconds += micros;
        cmd.failedCalls += failures;
        ServerStats stats = server.stats();
        stats.commandsProcessed++;
        ServerConfig config = server.config();
        BlockedClients.Blocking blocking = BlockedClients.of(c);
        if (blocking != null) {
            // Blocked: the latency histogram and the slow log get the command when it ends
            // (statsOnUnblock); the latency monitor has its sample now, as in Redis.
            blocking.micros(micros);
            if (config.latencyMonitorThreshold > 0) {
                stats.latency.maybeAdd(config.latencyMonitorThreshold, cmd.has(CommandFlags.FAST) ? "fast-command" : "command",
                        micros / 1000, server.clock().millis() / 1000);
            }
            return;
        }
        if (config.latencyTracking) {
            LatencyHistogram h = cmd.latencyHistogram;
            if (h == null) {
                h = new LatencyHistogram();
                cmd.latencyHistogram = h;
            }
            h.recordMicros(micros);
        }
        long threshold = config.slowlogLogSlowerThan;
        if (threshold >= 0 && micros >= threshold && !cmd.has(CommandFlags.SKIP_SLOWLOG)) {
            stats.slowLog.maybeLog(threshold, config.slowlogMaxLen, micros, server.clock().millis() / 1000,
                    c.argv, c.redactedArguments(), c.remoteAddress, c.name);
        }
        if (config.latencyMonitorThreshold > 0) {
            stats.latency.maybeAdd(config.latencyMonitorThreshold, cmd.has(CommandFlags.FAST) ? "fast-command" : "command",
                    micros / 1000, server.clock().millis() / 1000);
        }
    }

    /**
     * A blocked command ended, served or let go by CLIENT UNBLOCK (Redis's updateStatsOnUnblock;
     * a timeout counts nothing more): its time when it blocked is added once more with the time
     * serving it took, and the total goes to the latency histogram and the slow log.
     * {@code failed}: it answered an error (CLIENT UNBLOCK always says so, as Redis does).
     */
    public static void statsOnUnblock(ServerContext server, Client c, BlockedClients.Blocking blocking,
            long replyMicros, boolean failed) {
        statsOnUnblock(server, c, blocking, replyMicros, failed, blocking.argv());
    }

    /**
     * {@link #statsOnUnblock(ServerContext, Client, BlockedClients.Blocking, long, boolean)}
     * with the arguments the slow log shows: CLIENT UNBLOCK gives none, as Redis 7.0.15 has
     * already reset the client when it logs the command (an entry with an empty argument list).
     */
    public static void statsOnUnblock(ServerContext server, Client c, BlockedClients.Blocking blocking,
            long replyMicros, boolean failed, Argv slowLogArgs) {
        CommandSpec cmd = blocking.command();
        long total = blocking.micros() + replyMicros;
        cmd.microseconds += total;
        if (failed) {
            cmd.failedCalls++;
        }
        ServerConfig config = server.config();
        if (config.latencyTracking) {
            LatencyHistogram h = cmd.latencyHistogram;
            if (h == null) {
                h = new LatencyHistogram();
                cmd.latencyHistogram = h;
            }
            h.recordMicros(total);
        }
        ServerStats stats = server.stats();
        long threshold = config.slowlogLogSlowerThan;
        if (threshold >= 0 && total >= threshold && !cmd.has(CommandFlags.SKIP_SLOWLOG)) {
            stats.slowLog.maybeLog(threshold, config.slowlogMaxLen, total, server.clock().millis() / 1000,
                    slowLogArgs, null, c.remoteAddress, c.name);
        }
        if (config.latencyMonitorThreshold > 0) {
            stats.latency.maybeAdd(config.latencyMonitorThreshold, "command-unblocking", replyMicros / 1000,
                    server.clock().millis() / 1000);
        }
    }

    /**
     * MONITOR: every command that ran, after it ran (so SELECT shows its new database), except
     * the administrative ones and those that ask not to be shown; secrets redacted.
     */
    private void feedMonitors(Client c, CommandSpec cmd) {
        Monitors monitors = server.clients().monitors();
        if (!monitors.isEmpty() && !cmd.has(CommandFlags.SKIP_MONITOR | CommandFlags.ADMIN)) {
            monitors.feed(c);
        }
    }

    /** Redis's clusterRedirectClient: a refused EXEC takes its transaction with it, as a plain error. */
    private void redirect(Client c, CommandSpec cmd, String error) {
        cmd.rejectedCalls++;
        if (cmd.fullName.equals("exec")) {
            c.discardTransaction();
        } else {
            c.flagTransaction();
        }
        c.reply.error(error);
    }

    private void reject(Client c, CommandSpec cmd, String error) {
        cmd.rejectedCalls++;
        if (cmd.fullName.equals("exec")) {
            // Redis's execCommandAbort, in or out of MULTI (a refused EXEC outside a transaction
            // still answers EXECABORT and drops the client's watches): the transaction goes, and
            // MONITOR sees the EXEC that ends it.
            c.discardTransaction();
            // Redis passes its own texts without their "ERR " prefix; shared ones keep their code.
            c.reply.error("EXECABORT Transaction discarded because of: "
                    + (error.startsWith("ERR ") ? error.substring(4) : error));
            feedMonitors(c, cmd);
            return;
        }
        c.flagTransaction();
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
            args.append('\'').append(argv.cString(i, room)).append("' ");
        }
        c.reply.error("ERR unknown command '" + argv.cString(0, 128)
                + "', with args beginning with: " + args);
    }
}
