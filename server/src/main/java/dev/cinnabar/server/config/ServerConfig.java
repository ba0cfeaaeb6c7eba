package dev.cinnabar.server.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The live configuration: one field per Redis 7.0 directive, holding the value the server reads
 * where it uses it. The directive table ({@link Directives}) maps every directive name and alias
 * onto these fields; the config file, the command line and CONFIG GET/SET/REWRITE all go through
 * it, so a field is never parsed or formatted anywhere else. Initial values are Redis's defaults
 * (a unit test checks them against the table, an integration test against a real redis-server).
 *
 * <p>Strings hold raw bytes, one char per byte (ISO-8859-1), exactly as they came from the file
 * or the client: compare them with argument bytes through {@link #bytes(String)}. For directives
 * whose value Redis keeps as "unset", the empty string means unset.
 *
 * <p>Only the engine thread changes these after start (CONFIG SET runs there), and only the engine
 * thread reads those it changes; the transport reads its few settings once at start.
 */
public final class ServerConfig {
    // ---------------------------------------------------------------- network
    public String[] bind = {"*", "-::*"};
    public int port = 6379;
    public String unixSocket = "";
    /** Permission bits of the Unix socket; 0 leaves the umask's. */
    public int unixSocketPerm = 0;
    public int tcpBacklog = 511;
    public int tcpKeepAlive = 300;
    public boolean protectedMode = true;
    public String bindSourceAddr = "";
    public long socketMarkId = 0;
    public int ioThreads = 1;
    public boolean ioThreadsDoReads = false;

    // ---------------------------------------------------------------- general
    public int databases = 16;
    /** Empty when no password is set. */
    public String requirePass = "";
    public int maxClients = 10000;
    /** The cron frequency, already clamped to Redis's 1..500. */
    public int hz = 10;
    public boolean dynamicHz = true;
    /** Seconds a client may stay idle before the server closes it; 0 for never. */
    public long timeoutSeconds = 0;
    public long protoMaxBulkLen = 512L * 1024 * 1024;
    public long clientQueryBufferLimit = 1024L * 1024 * 1024;
    public boolean daemonize = false;
    public String supervised = "no";
    public String pidFile = "";
    public String logLevel = "notice";
    public String logFile = "";
    public boolean syslogEnabled = false;
    public boolean luaEnableDeprecatedApi = false;
    public String syslogIdent = "redis";
    public String syslogFacility = "local0";
    public boolean crashLogEnabled = true;
    public boolean crashMemcheckEnabled = true;
    public boolean useExitOnPanic = false;
    public boolean alwaysShowLogo = false;
    public boolean setProcTitle = true;
    public String procTitleTemplate = "{title} {listen-addr} {server-mode}";
    /** The working directory, absolute: where relative paths (files, sockets) resolve. */
    public String dir = Path.of("").toAbsolutePath().normalize().toString();
    public String ignoreWarnings = "";
    public boolean disableThp = true;
    public String serverCpulist = "";
    public String bioCpulist = "";
    public String aofRewriteCpulist = "";
    public String bgsaveCpulist = "";
    public boolean jemallocBgThread = true;
    public String oomScoreAdj = "no";
    public int[] oomScoreAdjValues = {0, 200, 800};
    public String enableProtectedConfigs = "no";
    public String enableDebugCommand = "no";
    public String enableModuleCommand = "no";
    /** Bits of {@link ShutdownFlags} for SIGTERM and SIGINT; 0 is "default". */
    public int shutdownOnSigterm = 0;
    public int shutdownOnSigint = 0;
    public int shutdownTimeout = 10;
    /** Read by the watchdog's own thread. */
    public volatile int watchdogPeriod = 0;

    // ---------------------------------------------------------------- keyspace and memory
    /** Bytes; 0 means no limit. */
    public long maxMemory = 0;
    /** One of Redis's policy names, e.g. {@code noeviction}, {@code allkeys-lfu}. */
    public String maxMemoryPolicy = "noeviction";
    public int maxMemorySamples = 5;
    public int maxMemoryEvictionTenacity = 10;
    /**
     * Cinnabar's {@code heap-reserve}: the percentage of the JVM's maximum heap kept for the
     * collector and for requests in flight. With {@code maxmemory 0}, writes are refused with
     * -OOM once used_memory reaches the rest, rather than the JVM dying of OutOfMemoryError.
     * 0 turns the guard off.
     */
    public int heapReserve = 25;
    /** Cinnabar's {@code memcached-port}: the memcached listener's TCP port, 0 for none. */
    public int memcachedPort = 0;
    /** Cinnabar's {@code memcached-db}: the database memcached items live in. */
    public int memcachedDb = 0;
    /** Cinnabar's {@code memcached-max-item-size}: memcached's {@code -I}, the largest item in bytes. */
    public long memcachedMaxItemSize = 1024 * 1024;
    /** Bytes, or a percentage of maxmemory stored as its negative (-10 is 10%). */
    public long maxMemoryClients = 0;
    public int lfuLogFactor = 10;
    public int lfuDecayTime = 1;
    public int activeExpireEffort = 1;
    public boolean activeRehashing = true;
    public boolean lazyfreeLazyEviction = false;
    public boolean lazyfreeLazyExpire = false;
    public boolean lazyfreeLazyServerDel = false;
    public boolean lazyfreeLazyUserDel = false;
    public boolean lazyfreeLazyUserFlush = false;
    public boolean activeDefrag = false;
    public long activeDefragIgnoreBytes = 100L << 20;
    public int activeDefragThresholdLower = 10;
    public int activeDefragThresholdUpper = 100;
    public int activeDefragCycleMin = 1;
    public int activeDefragCycleMax = 25;
    public long activeDefragMaxScanFields = 1000;
    /** Bits of {@link KeyspaceEvents}. */
    public int notifyKeyspaceEvents = 0;
    public long trackingTableMaxKeys = 1_000_000;

    // ---------------------------------------------------------------- encodings
    public long hashMaxListpackEntries = 512;
    public long hashMaxListpackValue = 64;
    public int listMaxListpackSize = -2;
    public int listCompressDepth = 0;
    public long setMaxIntsetEntries = 512;
    public long zsetMaxListpackEntries = 128;
    public long zsetMaxListpackValue = 64;
    public long hllSparseMaxBytes = 3000;
    public long streamNodeMaxBytes = 4096;
    public long streamNodeMaxEntries = 100;

    // ---------------------------------------------------------------- clients
    /**
     * Output buffer limits per client class, indexed by {@link #OBUF_NORMAL}, {@link #OBUF_REPLICA},
     * {@link #OBUF_PUBSUB}: {hard bytes, soft bytes, soft seconds}.
     */
    public long[][] clientOutputBufferLimits = {{0, 0, 0}, {256L << 20, 64L << 20, 60}, {32L << 20, 8L << 20, 60}};
    public static final int OBUF_NORMAL = 0;
    public static final int OBUF_REPLICA = 1;
    public static final int OBUF_PUBSUB = 2;

    // ---------------------------------------------------------------- monitoring
    public long slowlogLogSlowerThan = 10000;
    public long slowlogMaxLen = 128;
    public long latencyMonitorThreshold = 0;
    public boolean latencyTracking = true;
    public double[] latencyTrackingInfoPercentiles = {50, 99, 99.9};
    public long busyReplyThreshold = 5000;

    // ---------------------------------------------------------------- security
    public String aclFile = "";
    public long acllogMaxLen = 128;
    public String aclPubsubDefault = "resetchannels";
    public String sanitizeDumpPayload = "no";

    // ---------------------------------------------------------------- snapshotting
    /** Save points as {seconds, changes} pairs, flattened; empty when snapshots are off. */
    public long[] save = {3600, 1, 300, 100, 60, 10000};
    public boolean stopWritesOnBgsaveError = true;
    public boolean rdbCompression = true;
    public boolean rdbChecksum = true;
    public String dbFilename = "dump.rdb";
    public boolean rdbDelSyncFiles = false;
    public boolean rdbSaveIncrementalFsync = true;
    public int rdbKeySaveDelay = 0;
    public int keyLoadDelay = 0;
    public long loadingProcessEventsIntervalBytes = 2L * 1024 * 1024;

    // ---------------------------------------------------------------- append only file
    public boolean appendOnly = false;
    public String appendFilename = "appendonly.aof";
    public String appendDirname = "appendonlydir";
    public String appendFsync = "everysec";
    public boolean noAppendfsyncOnRewrite = false;
    public int autoAofRewritePercentage = 100;
    public long autoAofRewriteMinSize = 64L * 1024 * 1024;
    public boolean aofLoadTruncated = true;
    public boolean aofUseRdbPreamble = true;
    public boolean aofTimestampEnabled = false;
    public boolean aofRewriteIncrementalFsync = true;
    public boolean aofDisableAutoGc = false;

    // ---------------------------------------------------------------- replication
    /** The master this server replicates from; empty when it is a master itself. */
    public String masterHost = "";
    public int masterPort = 0;
    public String masterUser = "";
    public String masterAuth = "";
    public boolean replicaServeStaleData = true;
    public boolean replicaReadOnly = true;
    public boolean replicaLazyFlush = false;
    public boolean replicaIgnoreMaxmemory = true;
    public boolean replicaIgnoreDiskWriteErrors = false;
    public boolean replicaAnnounced = true;
    public String replicaAnnounceIp = "";
    public int replicaAnnouncePort = 0;
    public int replicaPriority = 100;
    public boolean replDisklessSync = true;
    public int replDisklessSyncDelay = 5;
    public int replDisklessSyncMaxReplicas = 0;
    public String replDisklessLoad = "disabled";
    public boolean replDisableTcpNodelay = false;
    public long replBacklogSize = 1024 * 1024;
    public long replBacklogTtl = 3600;
    public int replTimeout = 60;
    public int replPingReplicaPeriod = 10;
    public int minReplicasToWrite = 0;
    public int minReplicasMaxLag = 10;

    /**
     * Redis's checkGoodReplicasStatus: false when min-replicas-to-write asks for more replicas
     * (and min-replicas-max-lag is not 0) than the {@code good} ones, online and acknowledging
     * within that lag, so writes are refused with -NOREPLICAS.
     */
    public boolean enoughGoodReplicas(int good) {
        return minReplicasToWrite == 0 || minReplicasMaxLag == 0 || good >= minReplicasToWrite;
    }
    public String propagationErrorBehavior = "ignore";

    // ---------------------------------------------------------------- cluster
    public boolean clusterEnabled = false;
    public String clusterConfigFile = "nodes.conf";
    public long clusterNodeTimeout = 15000;
    public int clusterPort = 0;
    public String clusterAnnounceIp = "";
    public String clusterAnnounceHostname = "";
    public int clusterAnnouncePort = 0;
    public int clusterAnnounceBusPort = 0;
    public int clusterAnnounceTlsPort = 0;
    public String clusterPreferredEndpointType = "ip";
    public int clusterReplicaValidityFactor = 10;
    public int clusterMigrationBarrier = 1;
    public boolean clusterAllowReplicaMigration = true;
    public boolean clusterRequireFullCoverage = true;
    public boolean clusterReplicaNoFailover = false;
    public boolean clusterAllowReadsWhenDown = false;
    public boolean clusterAllowPubsubshardWhenDown = true;
    public long clusterLinkSendbufLimit = 0;

    // ---------------------------------------------------------------- TLS
    public int tlsPort = 0;
    public String tlsCertFile = "";
    public String tlsKeyFile = "";
    public String tlsKeyFilePass = "";
    public String tlsClientCertFile = "";
    public String tlsClientKeyFile = "";
    public String tlsClientKeyFilePass = "";
    public String tlsDhParamsFile = "";
    public String tlsCaCertFile = "";
    public String tlsCaCertDir = "";
    public String tlsProtocols = "";
    public String tlsCiphers = "";
    public String tlsCiphersuites = "";
    public String tlsAuthClients = "yes";
    public boolean tlsReplication = false;
    public boolean tlsCluster = false;
    public boolean tlsPreferServerCiphers = false;
    public boolean tlsSessionCaching = true;
    public int tlsSessionCacheSize = 20 * 1024;
    public int tlsSessionCacheTimeout = 300;

    // ---------------------------------------------------------------- not directives
    /** The config file given at start, absolute, or empty. CONFIG REWRITE writes here. */
    public String configFile = "";
    /** {@code rename-command} lines in order: {from, to}; an empty "to" removes the command. */
    public final List<String[]> renamedCommands = new ArrayList<>();
    /** {@code user} lines from the config file, as their arguments after the keyword. */
    public final List<List<String>> users = new ArrayList<>();
    /** {@code loadmodule} lines from the config file: the path, then the module's arguments. */
    public final List<List<String>> modules = new ArrayList<>();
    /** What CONFIG SET calls to make a new value take effect beyond this object. */
    public ConfigHooks hooks = ConfigHooks.NONE;

    /**
     * The ACL users, made with the server (they need its command table); null for a config
     * that no server uses.
     */
    public AclView acl;

    /** With a memory limit and an LRU or LFU policy, Redis shares no integer objects between keys. */
    public boolean noSharedIntegers() {
        return maxMemory != 0 && (maxMemoryPolicy.endsWith("-lru") || maxMemoryPolicy.endsWith("-lfu"));
    }

    /** The policies whose names end in "-lfu" are Redis's LFU ones: keys keep access counters. */
    public boolean lfuPolicy() {
        return maxMemoryPolicy.endsWith("-lfu");
    }

    /** The raw bytes of a config string (see the class comment). */
    public static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * A path from the configuration, resolved against {@link #dir} when relative, as Redis
     * resolves it after changing into its working directory.
     */
    public Path resolvePath(String value) {
        String decoded = new String(bytes(value), java.nio.charset.Charset.defaultCharset());
        return Path.of(dir).resolve(decoded);
    }
}
