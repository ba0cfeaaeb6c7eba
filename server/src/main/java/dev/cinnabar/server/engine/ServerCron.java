package dev.cinnabar.server.engine;

import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.cluster.Cluster;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.db.Keyspace;
import dev.cinnabar.server.memcached.MemcachedItems;
import dev.cinnabar.server.persistence.AofRewrite;
import dev.cinnabar.server.persistence.AppendOnlyFile;
import dev.cinnabar.server.persistence.Persistence;
import dev.cinnabar.server.replication.Replication;
import dev.cinnabar.server.stats.InstantaneousMetrics;
import dev.cinnabar.server.stats.ServerStats;

/**
 * Redis's serverCron, {@code hz} times a second on the engine thread: active expiry, the
 * databases' rehashing and shrinking, memory figures, the clients' cron (timeouts, output limits,
 * buffers), the samples behind INFO's rates, and the periodic log lines. DEBUG PAUSE-CRON stops
 * it.
 */
final class ServerCron {
    private final ServerContext server;
    private final ServerConfig config;
    private final ClientInput input;
    private final ClientOutputs outputs;
    private final CronLog cronLog = new CronLog();
    private long loops;
    private boolean paused;

    ServerCron(ServerContext server, ClientInput input, ClientOutputs outputs) {
        this.server = server;
        this.config = server.config();
        this.input = input;
        this.outputs = outputs;
    }

    /** DEBUG PAUSE-CRON. */
    void paused(boolean on) {
        this.paused = on;
    }

    boolean paused() {
        return paused;
    }

    /** The nanoseconds between two runs: 1/hz, as the last run set it (CONFIG SET, dynamic-hz). */
    long periodNanos() {
        return 1_000_000_000L / Math.max(1, server.hz());
    }

    void run() {
        if (paused) {
            return;
        }
        loops++;
        Keyspace keyspace = server.keyspace();
        keyspace.updateTime();
        server.hz(ServerContext.dynamicHz(config.hz, config.dynamicHz, server.clients().size()));
        server.activeExpire().slow(server.hz(), config.activeExpireEffort);
        for (int i = 0; i < keyspace.count(); i++) {
            keyspace.db(i).cron(config.activeRehashing);
        }
        server.memory().cron(server.clock().nanos());
        ClientsCron.run(server, input, outputs);
        // Also before each command; here so that a lower limit set by CONFIG SET applies on an idle server.
        if (server.clients().tracking().active()) {
            server.clients().tracking().limitTable(config.trackingTableMaxKeys);
        }
        sampleInstantaneousMetrics();
        Cluster cluster = Cluster.of(server);
        if (cluster != null && every100Millis()) {
            cluster.cron();
        }
        if (everySecond()) {
            server.migrateSockets().closeIdle(server.clock().millis() / 1000);
            Replication.of(server).cron();
        }
        if (server.memcached != null) {
            MemcachedItems.of(server).cron(); // a delayed flush_all whose time came
        }
        AofRewrite.of(server).cronScheduled();
        Persistence.of(server).cron();
        AofRewrite.of(server).cronAuto();
        AppendOnlyFile.of(server).cron();
        input.runReleasedClients();
        BlockedTimeouts.run(server, outputs);
        input.runUnblockedClients();
        cronLog.run(server, server.clock().millis());
        outputs.flush();
    }

    /** Every 100 ms of cron, as Redis's run_with_period(100): the samples behind INFO's rates. */
    private void sampleInstantaneousMetrics() {
        int cronMillis = 1000 / Math.max(1, server.hz());
        int period = InstantaneousMetrics.PERIOD_MILLIS;
        if (cronMillis >= period || loops % (period / cronMillis) == 0) {
            ServerStats stats = server.stats();
            stats.instantaneous.sample(server.clock().millis(), stats.commandsProcessed, stats.netInputBytes,
                    stats.netOutputBytes, stats.netReplInputBytes, stats.netReplOutputBytes);
        }
    }

    /** Redis's run_with_period(100). */
    private boolean every100Millis() {
        int cronMillis = 1000 / Math.max(1, server.hz());
        return cronMillis >= 100 || loops % (100 / cronMillis) == 0;
    }

    /** Redis's run_with_period(1000). */
    private boolean everySecond() {
        int cronMillis = 1000 / Math.max(1, server.hz());
        return cronMillis >= 1000 || loops % (1000 / cronMillis) == 0;
    }

    long loops() {
        return loops;
    }
}
