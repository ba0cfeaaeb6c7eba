package dev.cinnabar.server.config;

import static dev.cinnabar.server.config.Directive.Effect.ACTIVE;
import static dev.cinnabar.server.config.Directive.Effect.IGNORED;
import static dev.cinnabar.server.config.Directive.HIDDEN;
import static dev.cinnabar.server.config.Directive.IMMUTABLE;
import static dev.cinnabar.server.config.Directive.OWN;
import static dev.cinnabar.server.config.Directive.PROTECTED;
import static dev.cinnabar.server.config.Directive.SENSITIVE;
import static dev.cinnabar.server.config.NumericDirective.Kind.SIGNED;
import static dev.cinnabar.server.config.NumericDirective.Kind.UNSIGNED;
import static dev.cinnabar.server.config.NumericDirective.INTEGER;
import static dev.cinnabar.server.config.NumericDirective.MEMORY;
import static dev.cinnabar.server.config.NumericDirective.OCTAL;
import static dev.cinnabar.server.config.NumericDirective.PERCENT;

import dev.cinnabar.server.log.ServerLog;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every directive of Redis 7.0.15 (as its CONFIG GET '*' lists them, plus the hidden ones), with
 * its type, bounds, default, mutability and aliases, bound to its {@link ServerConfig} field.
 * The facts come from Redis; which ones Cinnabar honours is marked with {@link Directive.Effect}.
 */
public final class Directives {
    private static final long INT_MAX = Integer.MAX_VALUE;
    private static final long INT_MIN = Integer.MIN_VALUE;
    private static final long UINT_MAX = 0xffffffffL;
    private static final long LONG_MAX = Long.MAX_VALUE;
    private static final long ULLONG_MAX = -1L;
    private static final int MOD = 0;

    /** Redis runs TLS's apply once for several tls-* changes; sharing one instance does the same. */
    private static final Directive.Apply APPLY_TLS = c -> c.hooks.tlsChanged(c);

    private static final List<Directive> ALL = new ArrayList<>();
    /** Lowercase name or alias to directive. */
    private static final Map<String, Directive> BY_NAME = new LinkedHashMap<>();

    static {
        // ---- booleans
        bool("rdbchecksum", null, IMMUTABLE, "rdbChecksum", true).effect(ACTIVE);
        bool("daemonize", null, IMMUTABLE, "daemonize", false).effect(IGNORED);
        bool("io-threads-do-reads", null, IMMUTABLE, "ioThreadsDoReads", false).effect(IGNORED);
        bool("always-show-logo", null, IMMUTABLE, "alwaysShowLogo", false).effect(IGNORED);
        bool("protected-mode", null, MOD, "protectedMode", true).effect(ACTIVE);
        bool("rdbcompression", null, MOD, "rdbCompression", true).effect(ACTIVE);
        bool("rdb-del-sync-files", null, MOD, "rdbDelSyncFiles", false).effect(ACTIVE);
        bool("activerehashing", null, MOD, "activeRehashing", true).effect(ACTIVE);
        bool("stop-writes-on-bgsave-error", null, MOD, "stopWritesOnBgsaveError", true).effect(ACTIVE);
        bool("set-proc-title", null, IMMUTABLE, "setProcTitle", true).effect(IGNORED);
        bool("dynamic-hz", null, MOD, "dynamicHz", true).effect(ACTIVE);
        bool("lazyfree-lazy-eviction", null, MOD, "lazyfreeLazyEviction", false).effect(ACTIVE);
        bool("lazyfree-lazy-expire", null, MOD, "lazyfreeLazyExpire", false).effect(ACTIVE);
        bool("lazyfree-lazy-server-del", null, MOD, "lazyfreeLazyServerDel", false).effect(ACTIVE);
        bool("lazyfree-lazy-user-del", null, MOD, "lazyfreeLazyUserDel", false).effect(ACTIVE);
        bool("lazyfree-lazy-user-flush", null, MOD, "lazyfreeLazyUserFlush", false).effect(ACTIVE);
        bool("repl-disable-tcp-nodelay", null, MOD, "replDisableTcpNodelay", false).effect(ACTIVE);
        bool("repl-diskless-sync", null, MOD, "replDisklessSync", true).effect(ACTIVE);
        bool("aof-rewrite-incremental-fsync", null, MOD, "aofRewriteIncrementalFsync", true).effect(ACTIVE);
        bool("no-appendfsync-on-rewrite", null, MOD, "noAppendfsyncOnRewrite", false).effect(ACTIVE);
        bool("cluster-require-full-coverage", null, MOD, "clusterRequireFullCoverage", true).effect(ACTIVE);
        bool("rdb-save-incremental-fsync", null, MOD, "rdbSaveIncrementalFsync", true).effect(ACTIVE);
        bool("aof-load-truncated", null, MOD, "aofLoadTruncated", true).effect(ACTIVE);
        bool("aof-use-rdb-preamble", null, MOD, "aofUseRdbPreamble", true).effect(ACTIVE);
        bool("aof-timestamp-enabled", null, MOD, "aofTimestampEnabled", false).effect(ACTIVE);
        bool("cluster-replica-no-failover", "cluster-slave-no-failover", MOD, "clusterReplicaNoFailover", false)
                .apply(c -> c.hooks.clusterAnnouncedChanged(c)).effect(ACTIVE);
        bool("replica-lazy-flush", "slave-lazy-flush", MOD, "replicaLazyFlush", false).effect(ACTIVE);
        bool("replica-serve-stale-data", "slave-serve-stale-data", MOD, "replicaServeStaleData", true).effect(ACTIVE);
        bool("replica-read-only", "slave-read-only", MOD, "replicaReadOnly", true).effect(ACTIVE);
        bool("replica-ignore-maxmemory", "slave-ignore-maxmemory", MOD, "replicaIgnoreMaxmemory", true).effect(ACTIVE);
        bool("jemalloc-bg-thread", null, MOD, "jemallocBgThread", true).effect(IGNORED);
        add(new BoolDirective("activedefrag", null, MOD, "activeDefrag", false,
                v -> v ? "Active defragmentation cannot be enabled: it requires a Redis server compiled with a "
                        + "modified Jemalloc like the one shipped by default with the Redis source distribution" : null))
                .effect(IGNORED);
        bool("syslog-enabled", null, IMMUTABLE, "syslogEnabled", false).effect(ACTIVE);
        bool("cluster-enabled", null, IMMUTABLE, "clusterEnabled", false).effect(ACTIVE);
        bool("appendonly", null, MOD | Directive.DENY_LOADING, "appendOnly", false).apply(c -> c.hooks.appendOnlyChanged(c)).effect(ACTIVE);
        bool("cluster-allow-reads-when-down", null, MOD, "clusterAllowReadsWhenDown", false).effect(ACTIVE);
        bool("cluster-allow-pubsubshard-when-down", null, MOD, "clusterAllowPubsubshardWhenDown", true).effect(ACTIVE);
        bool("crash-log-enabled", null, MOD, "crashLogEnabled", true).effect(ACTIVE);
        bool("crash-memcheck-enabled", null, MOD, "crashMemcheckEnabled", true).effect(IGNORED);
        bool("use-exit-on-panic", null, MOD | HIDDEN, "useExitOnPanic", false).effect(IGNORED);
        // Debian's 7.0.15 (CVE-2025-46818): getfenv, setfenv and newproxy for scripts when yes.
        // LuaJ has no function environments to give them: yes is kept and named as pending.
        bool("lua-enable-deprecated-api", null, IMMUTABLE | HIDDEN, "luaEnableDeprecatedApi", false).offValue("no");
        bool("disable-thp", null, IMMUTABLE, "disableThp", true).effect(IGNORED);
        bool("cluster-allow-replica-migration", null, MOD, "clusterAllowReplicaMigration", true).effect(ACTIVE);
        bool("replica-announced", null, MOD, "replicaAnnounced", true).effect(ACTIVE);
        bool("latency-tracking", null, MOD, "latencyTracking", true).effect(ACTIVE);
        bool("aof-disable-auto-gc", null, MOD, "aofDisableAutoGc", false).apply(c -> c.hooks.aofAutoGcChanged(c))
                .effect(ACTIVE);
        bool("replica-ignore-disk-write-errors", null, MOD, "replicaIgnoreDiskWriteErrors", false).effect(ACTIVE);

        // ---- strings; "true" marks the ones Redis keeps unset while empty
        str("aclfile", null, IMMUTABLE, "aclFile", false, "", null).effect(ACTIVE);
        str("unixsocket", null, IMMUTABLE, "unixSocket", true, null, null).effect(ACTIVE);
        str("pidfile", null, IMMUTABLE, "pidFile", true, null, null).effect(ACTIVE);
        str("replica-announce-ip", "slave-announce-ip", MOD, "replicaAnnounceIp", true, null, null).effect(ACTIVE);
        str("masteruser", null, MOD | SENSITIVE, "masterUser", true, null, null).effect(ACTIVE);
        str("cluster-announce-ip", null, MOD, "clusterAnnounceIp", true, null, null)
                .apply(c -> c.hooks.clusterAnnouncedChanged(c)).effect(ACTIVE);
        str("cluster-config-file", null, IMMUTABLE, "clusterConfigFile", false, "nodes.conf", null).effect(ACTIVE);
        str("cluster-announce-hostname", null, MOD, "clusterAnnounceHostname", true, null, Directives::hostnameError)
                .apply(c -> c.hooks.clusterAnnouncedChanged(c)).effect(ACTIVE);
        str("syslog-ident", null, IMMUTABLE, "syslogIdent", false, "redis", null).effect(ACTIVE);
        str("dbfilename", null, MOD | PROTECTED, "dbFilename", false, "dump.rdb",
                v -> isBaseName(v) ? null : "dbfilename can't be a path, just a filename").effect(ACTIVE);
        str("appendfilename", null, IMMUTABLE, "appendFilename", false, "appendonly.aof",
                v -> v.isEmpty() ? "appendfilename can't be empty"
                        : isBaseName(v) ? null : "appendfilename can't be a path, just a filename").effect(ACTIVE);
        str("appenddirname", null, IMMUTABLE, "appendDirname", false, "appendonlydir",
                v -> v.isEmpty() ? "appenddirname can't be empty"
                        : isBaseName(v) ? null : "appenddirname can't be a path, just a dirname").effect(ACTIVE);
        str("server_cpulist", null, IMMUTABLE, "serverCpulist", true, null, null).effect(IGNORED);
        str("bio_cpulist", null, IMMUTABLE, "bioCpulist", true, null, null).effect(IGNORED);
        str("aof_rewrite_cpulist", null, IMMUTABLE, "aofRewriteCpulist", true, null, null).effect(IGNORED);
        str("bgsave_cpulist", null, IMMUTABLE, "bgsaveCpulist", true, null, null).effect(IGNORED);
        str("ignore-warnings", null, MOD, "ignoreWarnings", false, "", null).effect(IGNORED);
        str("proc-title-template", null, MOD, "procTitleTemplate", false, "{title} {listen-addr} {server-mode}",
                v -> ProcTitleTemplate.isValid(v) ? null : "template format is invalid or contains unknown variables")
                .effect(IGNORED);
        str("bind-source-addr", null, MOD, "bindSourceAddr", true, null, null).effect(ACTIVE);
        str("logfile", null, IMMUTABLE, "logFile", false, "", null).effect(ACTIVE);
        str("masterauth", null, MOD | SENSITIVE, "masterAuth", true, null, null).effect(ACTIVE);
        // As Redis's: the default user's passwords become requirepass's, whatever a user line said.
        str("requirepass", null, MOD | SENSITIVE, "requirePass", true, null, null).effect(ACTIVE)
                .apply(c -> {
                    if (c.acl != null) {
                        c.acl.applyRequirePass(c.requirePass);
                    }
                });

        // ---- enums
        words("supervised", IMMUTABLE, "supervised", "no", "upstart", "systemd", "auto", "no").effect(ACTIVE);
        words("syslog-facility", IMMUTABLE, "syslogFacility", "local0",
                "user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7").effect(ACTIVE);
        // on-empty-db and swapdb load from the connection; swapdb loads aside, keeps the old data until the
        // new is whole, and serves it meanwhile when the history is the same (async loading).
        words("repl-diskless-load", MOD | Directive.DENY_LOADING, "replDisklessLoad", "disabled", "disabled", "on-empty-db",
                "swapdb").effect(ACTIVE);
        words("loglevel", MOD, "logLevel", "notice", "debug", "verbose", "notice", "warning").effect(ACTIVE)
                .apply(c -> ServerLog.level(ServerLog.Level.parse(c.logLevel)));
        words("maxmemory-policy", MOD, "maxMemoryPolicy", "noeviction", "volatile-lru", "volatile-lfu",
                "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction")
                .apply(c -> c.hooks.accessTrackingChanged(c)).effect(ACTIVE);
        words("appendfsync", MOD, "appendFsync", "everysec", "everysec", "always", "no").effect(ACTIVE);
        add(new EnumDirective("oom-score-adj", null, MOD, "oomScoreAdj", new String[] {"no", "yes", "relative", "absolute"},
                new int[] {0, 1, 1, 2}, 0, false, null)).apply(Directives::applyOomScoreAdj).effect(ACTIVE);
        words("acl-pubsub-default", MOD, "aclPubsubDefault", "resetchannels", "allchannels", "resetchannels").effect(ACTIVE);
        words("sanitize-dump-payload", MOD, "sanitizeDumpPayload", "no", "no", "yes", "clients").effect(ACTIVE);
        words("enable-protected-configs", IMMUTABLE, "enableProtectedConfigs", "no", "no", "yes", "local").effect(ACTIVE);
        words("enable-debug-command", IMMUTABLE, "enableDebugCommand", "no", "no", "yes", "local").effect(ACTIVE);
        words("enable-module-command", IMMUTABLE, "enableModuleCommand", "no", "no", "yes", "local").effect(ACTIVE);
        words("cluster-preferred-endpoint-type", MOD, "clusterPreferredEndpointType", "ip",
                "ip", "hostname", "unknown-endpoint").effect(ACTIVE);
        words("propagation-error-behavior", MOD, "propagationErrorBehavior", "ignore",
                "ignore", "panic", "panic-on-replicas").effect(ACTIVE);
        shutdownFlags("shutdown-on-sigterm", "shutdownOnSigterm");
        shutdownFlags("shutdown-on-sigint", "shutdownOnSigint");

        // ---- 32-bit signed integers
        num("databases", null, IMMUTABLE, "databases", SIGNED, INTEGER, 1, INT_MAX, 16).effect(ACTIVE);
        num("port", null, MOD, "port", SIGNED, INTEGER, 0, 65535, 6379).effect(ACTIVE)
                .apply(c -> c.hooks.portChanged(c));
        num("io-threads", null, IMMUTABLE, "ioThreads", SIGNED, INTEGER, 1, 128, 1).effect(ACTIVE);
        num("auto-aof-rewrite-percentage", null, MOD, "autoAofRewritePercentage", SIGNED, INTEGER, 0, INT_MAX, 100)
                .effect(ACTIVE);
        num("cluster-replica-validity-factor", "cluster-slave-validity-factor", MOD, "clusterReplicaValidityFactor",
                SIGNED, INTEGER, 0, INT_MAX, 10).effect(ACTIVE);
        num("list-max-listpack-size", "list-max-ziplist-size", MOD, "listMaxListpackSize", SIGNED, INTEGER,
                INT_MIN, INT_MAX, -2).effect(ACTIVE);
        num("tcp-keepalive", null, MOD, "tcpKeepAlive", SIGNED, INTEGER, 0, INT_MAX, 300).effect(ACTIVE);
        num("cluster-migration-barrier", null, MOD, "clusterMigrationBarrier", SIGNED, INTEGER, 0, INT_MAX, 1).effect(ACTIVE);
        num("active-defrag-cycle-min", null, MOD, "activeDefragCycleMin", SIGNED, INTEGER, 1, 99, 1).effect(IGNORED);
        num("active-defrag-cycle-max", null, MOD, "activeDefragCycleMax", SIGNED, INTEGER, 1, 99, 25).effect(IGNORED);
        num("active-defrag-threshold-lower", null, MOD, "activeDefragThresholdLower", SIGNED, INTEGER, 0, 1000, 10)
                .effect(IGNORED);
        num("active-defrag-threshold-upper", null, MOD, "activeDefragThresholdUpper", SIGNED, INTEGER, 0, 1000, 100)
                .effect(IGNORED);
        num("lfu-log-factor", null, MOD, "lfuLogFactor", SIGNED, INTEGER, 0, INT_MAX, 10).effect(ACTIVE)
                .apply(c -> c.hooks.accessTrackingChanged(c));
        num("lfu-decay-time", null, MOD, "lfuDecayTime", SIGNED, INTEGER, 0, INT_MAX, 1).effect(ACTIVE)
                .apply(c -> c.hooks.accessTrackingChanged(c));
        num("replica-priority", "slave-priority", MOD, "replicaPriority", SIGNED, INTEGER, 0, INT_MAX, 100).effect(ACTIVE);
        num("repl-diskless-sync-delay", null, MOD, "replDisklessSyncDelay", SIGNED, INTEGER, 0, INT_MAX, 5).effect(ACTIVE);
        num("maxmemory-samples", null, MOD, "maxMemorySamples", SIGNED, INTEGER, 1, INT_MAX, 5).effect(ACTIVE);
        num("maxmemory-eviction-tenacity", null, MOD, "maxMemoryEvictionTenacity", SIGNED, INTEGER, 0, 100, 10).effect(ACTIVE);
        // Cinnabar's own (Redis has no heap): hidden from CONFIG GET patterns, which list Redis's.
        num("heap-reserve", null, MOD | HIDDEN | OWN, "heapReserve", SIGNED, INTEGER, 0, 90, 25).effect(ACTIVE);
        // The memcached front end (Cinnabar's own): its port (0: no listener), the database its
        // items live in, and memcached's -I item size limit.
        num("memcached-port", null, MOD | HIDDEN | OWN, "memcachedPort", SIGNED, INTEGER, 0, 65535, 0).effect(ACTIVE)
                .apply(c -> c.hooks.memcachedPortChanged(c));
        num("memcached-db", null, MOD | HIDDEN | OWN, "memcachedDb", SIGNED, INTEGER, 0, INT_MAX, 0).effect(ACTIVE)
                .apply(c -> {
                    if (c.memcachedDb >= c.databases) {
                        throw new ConfigError("argument must be a database index, less than " + c.databases);
                    }
                });
        num("memcached-max-item-size", null, MOD | HIDDEN | OWN, "memcachedMaxItemSize", SIGNED, MEMORY,
                1024, 1024L * 1024 * 1024, 1024 * 1024).effect(ACTIVE);
        num("timeout", null, MOD, "timeoutSeconds", SIGNED, INTEGER, 0, INT_MAX, 0).effect(ACTIVE);
        num("replica-announce-port", "slave-announce-port", MOD, "replicaAnnouncePort", SIGNED, INTEGER, 0, 65535, 0).effect(ACTIVE);
        num("tcp-backlog", null, IMMUTABLE, "tcpBacklog", SIGNED, INTEGER, 0, INT_MAX, 511).effect(ACTIVE);
        num("cluster-port", null, IMMUTABLE, "clusterPort", SIGNED, INTEGER, 0, 65535, 0).effect(ACTIVE);
        num("cluster-announce-bus-port", null, MOD, "clusterAnnounceBusPort", SIGNED, INTEGER, 0, 65535, 0)
                .apply(c -> c.hooks.clusterAnnouncedChanged(c)).effect(ACTIVE);
        num("cluster-announce-port", null, MOD, "clusterAnnouncePort", SIGNED, INTEGER, 0, 65535, 0)
                .apply(c -> c.hooks.clusterAnnouncedChanged(c)).effect(ACTIVE);
        num("cluster-announce-tls-port", null, MOD, "clusterAnnounceTlsPort", SIGNED, INTEGER, 0, 65535, 0)
                .apply(c -> c.hooks.clusterAnnouncedChanged(c)).effect(ACTIVE);
        num("repl-timeout", null, MOD, "replTimeout", SIGNED, INTEGER, 1, INT_MAX, 60).effect(ACTIVE);
        num("repl-ping-replica-period", "repl-ping-slave-period", MOD, "replPingReplicaPeriod", SIGNED, INTEGER,
                1, INT_MAX, 10).effect(ACTIVE);
        num("list-compress-depth", null, MOD, "listCompressDepth", SIGNED, INTEGER, 0, INT_MAX, 0).effect(ACTIVE);
        num("rdb-key-save-delay", null, MOD | HIDDEN, "rdbKeySaveDelay", SIGNED, INTEGER, INT_MIN, INT_MAX, 0).effect(ACTIVE);
        num("key-load-delay", null, MOD | HIDDEN, "keyLoadDelay", SIGNED, INTEGER, INT_MIN, INT_MAX, 0).effect(ACTIVE);
        num("active-expire-effort", null, MOD, "activeExpireEffort", SIGNED, INTEGER, 1, 10, 1).effect(ACTIVE);
        num("hz", null, MOD, "hz", SIGNED, INTEGER, 0, INT_MAX, 10)
                // Redis takes any hz but runs (and reports) it within 1..500.
                .check(v -> Math.max(1, Math.min(500, v))).effect(ACTIVE);
        num("min-replicas-to-write", "min-slaves-to-write", MOD, "minReplicasToWrite", SIGNED, INTEGER, 0, INT_MAX, 0)
                .apply(c -> c.hooks.goodReplicasChanged(c)).effect(ACTIVE);
        num("min-replicas-max-lag", "min-slaves-max-lag", MOD, "minReplicasMaxLag", SIGNED, INTEGER, 0, INT_MAX, 10)
                .apply(c -> c.hooks.goodReplicasChanged(c)).effect(ACTIVE);
        num("watchdog-period", null, MOD | HIDDEN, "watchdogPeriod", SIGNED, INTEGER, 0, INT_MAX, 0).effect(ACTIVE);
        num("shutdown-timeout", null, MOD, "shutdownTimeout", SIGNED, INTEGER, 0, INT_MAX, 10).effect(ACTIVE);
        num("repl-diskless-sync-max-replicas", null, MOD, "replDisklessSyncMaxReplicas", SIGNED, INTEGER, 0, INT_MAX, 0).effect(ACTIVE);

        // ---- unsigned 32-bit
        num("maxclients", null, MOD, "maxClients", UNSIGNED, INTEGER, 1, UINT_MAX, 10000).effect(ACTIVE)
                .apply(OpenFilesLimit::checkMaxClients);
        num("unixsocketperm", null, IMMUTABLE, "unixSocketPerm", UNSIGNED, OCTAL, 0, 0777, 0).effect(ACTIVE);
        num("socket-mark-id", null, IMMUTABLE, "socketMarkId", UNSIGNED, INTEGER, 0, UINT_MAX, 0);

        // ---- unsigned long (bounds compared signed in Redis)
        num("active-defrag-max-scan-fields", null, MOD, "activeDefragMaxScanFields", SIGNED, INTEGER, 1, LONG_MAX, 1000)
                .effect(IGNORED);
        num("slowlog-max-len", null, MOD, "slowlogMaxLen", SIGNED, INTEGER, 0, LONG_MAX, 128).effect(ACTIVE);
        num("acllog-max-len", null, MOD, "acllogMaxLen", SIGNED, INTEGER, 0, LONG_MAX, 128).effect(ACTIVE);

        // ---- long long
        num("busy-reply-threshold", "lua-time-limit", MOD, "busyReplyThreshold", SIGNED, INTEGER, 0, LONG_MAX, 5000).effect(ACTIVE);
        num("cluster-node-timeout", null, MOD, "clusterNodeTimeout", SIGNED, INTEGER, 0, LONG_MAX, 15000).effect(ACTIVE);
        num("slowlog-log-slower-than", null, MOD, "slowlogLogSlowerThan", SIGNED, INTEGER, -1, LONG_MAX, 10000).effect(ACTIVE);
        num("latency-monitor-threshold", null, MOD, "latencyMonitorThreshold", SIGNED, INTEGER, 0, LONG_MAX, 0).effect(ACTIVE);
        num("proto-max-bulk-len", null, MOD, "protoMaxBulkLen", SIGNED, MEMORY, 1024 * 1024, LONG_MAX,
                512L * 1024 * 1024).effect(ACTIVE);
        num("stream-node-max-entries", null, MOD, "streamNodeMaxEntries", SIGNED, INTEGER, 0, LONG_MAX, 100).effect(ACTIVE);
        num("repl-backlog-size", null, MOD, "replBacklogSize", SIGNED, MEMORY, 1, LONG_MAX, 1024 * 1024)
                .apply(c -> c.hooks.replicationBacklogSizeChanged(c)).effect(ACTIVE);

        // ---- unsigned long long
        num("maxmemory", null, MOD, "maxMemory", UNSIGNED, MEMORY, 0, ULLONG_MAX, 0)
                .apply(c -> c.hooks.maxMemoryChanged(c)).effect(ACTIVE);
        num("cluster-link-sendbuf-limit", null, MOD, "clusterLinkSendbufLimit", UNSIGNED, MEMORY, 0, ULLONG_MAX, 0).effect(ACTIVE);

        // ---- size_t (compared unsigned) and ssize_t
        num("hash-max-listpack-entries", "hash-max-ziplist-entries", MOD, "hashMaxListpackEntries", UNSIGNED, INTEGER,
                0, LONG_MAX, 512).effect(ACTIVE);
        num("set-max-intset-entries", null, MOD, "setMaxIntsetEntries", UNSIGNED, INTEGER, 0, LONG_MAX, 512).effect(ACTIVE);
        num("zset-max-listpack-entries", "zset-max-ziplist-entries", MOD, "zsetMaxListpackEntries", UNSIGNED, INTEGER,
                0, LONG_MAX, 128).effect(ACTIVE);
        num("active-defrag-ignore-bytes", null, MOD, "activeDefragIgnoreBytes", UNSIGNED, MEMORY, 1, LONG_MAX,
                100L << 20).effect(IGNORED);
        num("hash-max-listpack-value", "hash-max-ziplist-value", MOD, "hashMaxListpackValue", UNSIGNED, MEMORY,
                0, LONG_MAX, 64).effect(ACTIVE);
        num("stream-node-max-bytes", null, MOD, "streamNodeMaxBytes", UNSIGNED, MEMORY, 0, LONG_MAX, 4096).effect(ACTIVE);
        num("zset-max-listpack-value", "zset-max-ziplist-value", MOD, "zsetMaxListpackValue", UNSIGNED, MEMORY,
                0, LONG_MAX, 64).effect(ACTIVE);
        num("hll-sparse-max-bytes", null, MOD, "hllSparseMaxBytes", UNSIGNED, MEMORY, 0, LONG_MAX, 3000).effect(ACTIVE);
        num("tracking-table-max-keys", null, MOD, "trackingTableMaxKeys", UNSIGNED, INTEGER, 0, LONG_MAX, 1000000).effect(ACTIVE);
        num("client-query-buffer-limit", null, MOD, "clientQueryBufferLimit", UNSIGNED, MEMORY, 1024 * 1024, LONG_MAX,
                1024L * 1024 * 1024).effect(ACTIVE);
        num("maxmemory-clients", null, MOD, "maxMemoryClients", SIGNED, MEMORY | PERCENT, -100, LONG_MAX, 0)
                .apply(c -> c.hooks.clientEvictionChanged(c)).effect(ACTIVE);

        // ---- time_t and off_t
        num("repl-backlog-ttl", null, MOD, "replBacklogTtl", SIGNED, INTEGER, 0, LONG_MAX, 3600).effect(ACTIVE);
        num("auto-aof-rewrite-min-size", null, MOD, "autoAofRewriteMinSize", SIGNED, MEMORY, 0, LONG_MAX,
                64L * 1024 * 1024).effect(ACTIVE);
        num("loading-process-events-interval-bytes", null, MOD | HIDDEN, "loadingProcessEventsIntervalBytes",
                SIGNED, INTEGER, 1024, INT_MAX, 2L * 1024 * 1024).effect(ACTIVE);

        // ---- TLS (Debian builds Redis with TLS; the JDK's TLS stands in for OpenSSL, see net/TlsContexts)
        num("tls-port", null, MOD, "tlsPort", SIGNED, INTEGER, 0, 65535, 0).apply(c -> c.hooks.tlsPortChanged(c))
                .effect(ACTIVE);
        num("tls-session-cache-size", null, MOD, "tlsSessionCacheSize", SIGNED, INTEGER, 0, INT_MAX, 20 * 1024)
                .apply(APPLY_TLS).effect(ACTIVE);
        num("tls-session-cache-timeout", null, MOD, "tlsSessionCacheTimeout", SIGNED, INTEGER, 0, INT_MAX, 300)
                .apply(APPLY_TLS).effect(ACTIVE);
        bool("tls-cluster", null, MOD, "tlsCluster", false).apply(APPLY_TLS).effect(ACTIVE);
        bool("tls-replication", null, MOD, "tlsReplication", false).apply(APPLY_TLS).effect(ACTIVE);
        words("tls-auth-clients", MOD, "tlsAuthClients", "yes", "no", "yes", "optional").effect(ACTIVE);
        bool("tls-prefer-server-ciphers", null, MOD, "tlsPreferServerCiphers", false).apply(APPLY_TLS).effect(ACTIVE);
        bool("tls-session-caching", null, MOD, "tlsSessionCaching", true).apply(APPLY_TLS).effect(ACTIVE);
        String[][] tlsStrings = {
            {"tls-cert-file", "tlsCertFile"}, {"tls-key-file", "tlsKeyFile"}, {"tls-key-file-pass", "tlsKeyFilePass"},
            {"tls-client-cert-file", "tlsClientCertFile"}, {"tls-client-key-file", "tlsClientKeyFile"},
            {"tls-client-key-file-pass", "tlsClientKeyFilePass"}, {"tls-dh-params-file", "tlsDhParamsFile"},
            {"tls-ca-cert-file", "tlsCaCertFile"}, {"tls-ca-cert-dir", "tlsCaCertDir"},
            {"tls-protocols", "tlsProtocols"}, {"tls-ciphers", "tlsCiphers"}, {"tls-ciphersuites", "tlsCiphersuites"},
        };
        for (String[] t : tlsStrings) {
            str(t[0], null, MOD, t[1], true, null, null).apply(APPLY_TLS).effect(ACTIVE);
        }

        // ---- special
        add(new SpecialDirectives.Dir()).effect(ACTIVE);
        add(new SpecialDirectives.Save()).effect(ACTIVE);
        add(new SpecialDirectives.ClientOutputBufferLimit()).effect(ACTIVE);
        add(new SpecialDirectives.OomScoreAdjValues()).apply(Directives::applyOomScoreAdj).effect(ACTIVE);
        add(new SpecialDirectives.NotifyKeyspaceEvents()).effect(ACTIVE);
        add(new SpecialDirectives.Bind()).effect(ACTIVE).apply(c -> c.hooks.bindChanged(c));
        add(new SpecialDirectives.ReplicaOf()).effect(ACTIVE);
        add(new SpecialDirectives.LatencyPercentiles()).effect(ACTIVE);
    }

    private Directives() {
    }

    /** The directive with this name or alias, in any letter case, or null. */
    public static Directive lookup(String name) {
        return BY_NAME.get(name.toLowerCase(Locale.ROOT));
    }

    /** Every directive once, by its primary name, in table order. */
    public static List<Directive> all() {
        return Collections.unmodifiableList(ALL);
    }

    /** Every name and alias, lowercase, with its directive: what CONFIG GET patterns match. */
    public static Map<String, Directive> byName() {
        return Collections.unmodifiableMap(BY_NAME);
    }

    /**
     * Of the directives a configuration set ({@code seen}, primary names), those that
     * ask for a feature not built yet: what a start-up warning must name.
     */
    public static List<String> pendingChanges(ServerConfig config, java.util.Collection<String> seen) {
        ServerConfig defaults = new ServerConfig();
        List<String> out = new ArrayList<>();
        for (String name : seen) {
            Directive d = lookup(name);
            // No directive for "user": user lines are always in effect (acl/Acl loads them).
            if (d != null && d.requestsPendingFeature(config, defaults)) {
                out.add(name);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- table builders

    private static Directive add(Directive d) {
        ALL.add(d);
        register(d.name, d);
        if (d.alias != null) {
            register(d.alias, d);
        }
        return d;
    }

    private static void register(String name, Directive d) {
        if (BY_NAME.put(name, d) != null) {
            throw new IllegalStateException("directive " + name + " defined twice");
        }
    }

    private static Directive bool(String name, String alias, int flags, String field, boolean def) {
        return add(new BoolDirective(name, alias, flags, field, def, null));
    }

    private static Directive str(String name, String alias, int flags, String field, boolean nullable, String def,
            StringDirective.Check check) {
        return add(new StringDirective(name, alias, flags, field, nullable, def, check));
    }

    private static Directive words(String name, int flags, String field, String def, String... words) {
        return add(EnumDirective.words(name, null, flags, field, def, words));
    }

    private static void shutdownFlags(String name, String field) {
        Directive d = add(new EnumDirective(name, null, MOD, field, new String[] {"default", "save", "nosave", "now", "force"},
                new int[] {0, ShutdownFlags.SAVE, ShutdownFlags.NOSAVE, ShutdownFlags.NOW, ShutdownFlags.FORCE}, 0, true,
                v -> (v & ShutdownFlags.SAVE) != 0 && (v & ShutdownFlags.NOSAVE) != 0
                        ? "shutdown options SAVE and NOSAVE can't be used simultaneously" : null));
        d.effect(ACTIVE);
    }

    private static NumericDirective num(String name, String alias, int flags, String field,
            NumericDirective.Kind kind, int format, long lower, long upper, long def) {
        NumericDirective d = new NumericDirective(name, alias, flags, field, kind, format, lower, upper, def);
        add(d);
        return d;
    }

    /** Redis's updateOOMScoreAdj, after either directive changed. */
    private static void applyOomScoreAdj(ServerConfig c) throws ConfigError {
        if (!OomScoreAdj.apply(c)) {
            throw new ConfigError("Failed to set current oom_score_adj. Check server logs.");
        }
    }

    private static boolean isBaseName(String v) {
        return v.indexOf('/') < 0 && v.indexOf('\\') < 0;
    }

    private static String hostnameError(String v) {
        if (v.length() >= 256) {
            return "Hostnames must be less than 256 characters";
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) {
                return "Hostnames may only contain alphanumeric characters, hyphens or dots";
            }
        }
        return null;
    }
}
