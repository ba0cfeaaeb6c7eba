package dev.cinnabar.server.client;

import dev.cinnabar.server.command.CommandSpec;
import dev.cinnabar.server.command.CommandFlags;
import dev.cinnabar.server.command.CommandTable;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.db.ActiveExpireCycle;
import dev.cinnabar.server.db.Clock;
import dev.cinnabar.server.db.Keyspace;
import dev.cinnabar.server.db.KeyspaceNotifications;
import dev.cinnabar.server.db.Propagation;
import dev.cinnabar.server.memory.Eviction;
import dev.cinnabar.server.memory.MemoryAccounting;
import dev.cinnabar.server.stats.ServerStats;

/**
 * The server as command handlers, INFO and the clients see it: configuration, clock, keyspace,
 * command table, statistics, clients, memory, identities, propagation, the busy state, and
 * {@link #control()} for what only the engine can do. Reached from a handler as
 * {@code c.server}. Engine thread only, like everything it holds.
 */
public final class ServerContext {
    private final ServerConfig config;
    private final Clock clock;
    private final Keyspace keyspace;
    private final CommandTable commands;
    /** Redis's MAX_CLIENTS_PER_CLOCK_TICK and CONFIG_MAX_HZ. */
    private static final int MAX_CLIENTS_PER_TICK = 200;
    private static final int MAX_HZ = 500;
    private int hz;
    /** The configured hz {@link #hz} was computed from. */
    private int hzFrom;
    private final dev.cinnabar.server.acl.Acl acl;
    private final ServerStats stats = new ServerStats();
    private final ClientRegistry clients = new ClientRegistry();
    private final MemoryAccounting memory;
    private final Eviction eviction;
    private final ActiveExpireCycle activeExpire;
    private final ServerIds ids = new ServerIds();
    private final BusyState busy = new BusyState();
    private final MigrateSockets migrateSockets = new MigrateSockets();
    private ServerControl control;
    private CommandCaller caller;
    /** The scripting engine (package {@code scripting}, a layer above), made on first use. */
    public Object scripting;
    /** RDB persistence (package {@code persistence}, a layer above), made on first use. */
    public Object persistence;
    /** The append-only file (package {@code persistence}), made on first use. */
    public Object appendOnly;
    /** BGREWRITEAOF and turning the AOF on and off (package {@code persistence}), made on first use. */
    public Object aofRewrite;
    /** The master's replication (package {@code replication}, a layer above), made on first use. */
    public Object replication;
    /** A replica's link to its master is up: its stream flows (Redis's repl_state == CONNECTED). */
    public boolean masterLinkUp;

    /**
     * A replica that lost its master and is configured not to serve stale data
     * (replica-serve-stale-data no): commands not flagged stale are refused with MASTERDOWN.
     */
    public boolean servesNoStaleData() {
        return !config.masterHost.isEmpty() && !masterLinkUp && !config.replicaServeStaleData;
    }
    /** Replicas online that acknowledged within min-replicas-max-lag (Redis's repl_good_slaves_count). */
    public int goodReplicas;
    /** The cluster state (package {@code cluster}, a layer above) when cluster-enabled is yes; null otherwise. */
    public Object cluster;
    /** Cluster mode's slot check, for the dispatcher and for scripts; null when cluster-enabled is no. */
    public CommandRouter router;
    /** The memcached item store (package {@code memcached}, a layer above), made on first use. */
    public Object memcached;
    /** True while writes are refused because the last BGSAVE failed (stop-writes-on-bgsave-error). */
    public java.util.function.BooleanSupplier diskError = () -> false;
    /** Redis's -MISCONF text while writes are refused because the AOF cannot be written, else null. */
    public java.util.function.Supplier<String> aofDiskError = () -> null;

    public ServerContext(ServerConfig config, Clock clock, CommandTable commands) {
        this.config = config;
        this.clock = clock;
        this.commands = commands;
        this.hz = config.hz;
        this.hzFrom = config.hz;
        this.acl = new dev.cinnabar.server.acl.Acl(config, commands);
        config.acl = acl;
        this.keyspace = new Keyspace(config.databases, clock);
        if (config.clusterEnabled) {
            keyspace.indexSlots(); // Redis's slot-to-keys map, kept by every key table from the start
        }
        keyspace.addObserver(clients.blocked());
        keyspace.addObserver(clients.watched());
        keyspace.addObserver(clients.tracking());
        this.activeExpire = new ActiveExpireCycle(keyspace, stats);
        this.memory = new MemoryAccounting(keyspace, clients::memory);
        this.eviction = new Eviction(keyspace, config, stats, memory);
        this.stats.startMillis = clock.millis();
        applyAccessTracking();
        // A pause keeps the dataset still: nothing expires until it ends (Redis's expireIfNeeded).
        keyspace.expiryPauseCheck(() -> clients.pause().checkTimeout(keyspace.now()));
        keyspace.lazyFree().config(config);
        keyspace.notifications().config(config);
        PubSub pubsub = clients.pubsub();
        keyspace.notifications().sink(new KeyspaceNotifications.Sink() {
            @Override
            public void publish(byte[] channel, byte[] message) {
                pubsub.publish(channel, message);
            }

            @Override
            public boolean listening() {
                return !pubsub.isEmpty();
            }
        });
    }

    /**
     * Keys carry LFU counters instead of LRU times under an LFU policy, and integer objects of
     * their own under an evicting one. Read from the config at start and again whenever CONFIG
     * SET changes one of the settings involved (maxmemory among them).
     */
    public void applyAccessTracking() {
        keyspace.access().lfu(config.lfuPolicy());
        keyspace.access().ownIntegers(config.noSharedIntegers());
        keyspace.access().lfuLogFactor(config.lfuLogFactor);
        keyspace.access().lfuDecayTime(config.lfuDecayTime);
    }

    private CommandFlagsOf commandFlags = (c, cmd) -> cmd.flags;

    /** Installed by the scripting layer: the flags of EVAL and FCALL follow the script's. */
    public void commandFlags(CommandFlagsOf f) {
        this.commandFlags = f;
    }

    /**
     * The flags of {@code cmd} as run by {@code c} now (its arguments in {@code c.argv}): its
     * table entry's, except for the script commands (the only ones without mandatory keys that
     * ask), whose scripts may declare their own.
     */
    public long commandFlags(Client c, CommandSpec cmd) {
        return cmd.has(CommandFlags.NO_MANDATORY_KEYS) ? commandFlags.flags(c, cmd) : cmd.flags;
    }

    /** Installed by the dispatcher: how EXEC runs the commands it queued. */
    public void caller(CommandCaller caller) {
        this.caller = caller;
    }

    public CommandCaller caller() {
        return caller;
    }

    /** Installed by the engine before any client connects. */
    public void control(ServerControl control) {
        this.control = control;
        clients.pubsub().control(control);
        clients.tracking().control(control);
    }

    public ServerControl control() {
        return control;
    }

    public ServerConfig config() {
        return config;
    }

    public Clock clock() {
        return clock;
    }

    public Keyspace keyspace() {
        return keyspace;
    }

    /** The ACL users. */
    public dev.cinnabar.server.acl.Acl acl() {
        return acl;
    }

    public CommandTable commands() {
        return commands;
    }

    /**
     * The cron's frequency now (INFO's {@code hz}): {@code hz}, doubled while there are more than
     * 200 clients a tick, up to 500, with {@code dynamic-hz yes} (Redis's serverCron). The cron
     * sets it at each run; a CONFIG SET hz since then is the answer until the next run, as
     * Redis's updateHZ sets it at once.
     */
    public int hz() {
        return config.hz != hzFrom ? config.hz : hz;
    }

    public void hz(int hz) {
        this.hz = hz;
        this.hzFrom = config.hz;
    }

    /** {@link #hz()} for {@code clients} clients. */
    public static int dynamicHz(int configured, boolean dynamic, int clients) {
        int hz = Math.max(1, configured);
        if (dynamic) {
            while (clients / hz > MAX_CLIENTS_PER_TICK) {
                hz *= 2;
                if (hz > MAX_HZ) {
                    return MAX_HZ;
                }
            }
        }
        return hz;
    }

    public ServerStats stats() {
        return stats;
    }

    public ClientRegistry clients() {
        return clients;
    }

    /** used_memory and the rest of the memory figures. */
    public MemoryAccounting memory() {
        return memory;
    }

    /** {@code maxmemory} and its eviction policies. */
    public Eviction eviction() {
        return eviction;
    }

    /**
     * Evicts what {@code maxmemory} requires, when it is safe: not while a long task (a script,
     * loading) holds the engine, nor while clients are paused (the dataset must stay as it is).
     * Returns false when the memory is over the limit and nothing more can be evicted.
     */
    public boolean evictIfNeeded() {
        if (busy.active() || clients.pause().active()) {
            return true;
        }
        return eviction.perform() != Eviction.Result.FAIL;
    }

    /**
     * DEBUG SET-SKIP-CHECKSUM-VALIDATION: RESTORE and FUNCTION RESTORE take a payload whatever
     * its CRC64 (Redis's skip_checksum_validation; its version is still checked).
     */
    public boolean skipChecksumValidation;
    /** DEBUG SET-DISABLE-DENY-SCRIPTS: scripts may call no-script commands (see {@code DenyScriptsOverride}). */
    public boolean disableDenyScripts;

    /** The active expiry cycle, which DEBUG SET-ACTIVE-EXPIRE turns off and on. */
    public ActiveExpireCycle activeExpire() {
        return activeExpire;
    }

    /** What the keyspace's writes send to replicas and the AOF. */
    public Propagation propagation() {
        return keyspace.propagation();
    }

    public ServerIds ids() {
        return ids;
    }

    /** Whether a long task holds the engine, for the dispatcher and the commands let through. */
    /** MIGRATE's cached connections to its targets. */
    public MigrateSockets migrateSockets() {
        return migrateSockets;
    }

    public BusyState busy() {
        return busy;
    }
}
