package dev.cinnabar.server;

import dev.cinnabar.server.cluster.Cluster;
import dev.cinnabar.server.commands.CommandFamilies;
import dev.cinnabar.server.config.ConfigError;
import dev.cinnabar.server.config.ConfigHooks;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.db.Clock;
import dev.cinnabar.server.engine.Engine;
import dev.cinnabar.server.engine.HeapGovernor;
import dev.cinnabar.server.engine.Shutdown;
import dev.cinnabar.server.exec.CommandHandlers;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.net.NettyTransport;
import dev.cinnabar.server.persistence.AofRewrite;
import dev.cinnabar.server.persistence.AppendOnlyFile;
import dev.cinnabar.server.persistence.Persistence;
import dev.cinnabar.server.replication.MasterLink;
import dev.cinnabar.server.replication.Replication;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A running server: the engine, the transport, and their start and stop in Redis's order, with
 * Redis's log lines. Also what CONFIG SET calls when a change must reach the sockets.
 */
public final class CinnabarServer implements ConfigHooks, Shutdown.Hooks {
    private final ServerConfig config;
    private final Engine engine;
    private final NettyTransport transport;
    private volatile boolean stopped;
    private Path pidFile;
    private SystemdNotify systemd;
    /** What the end of the shutdown sequence does once everything is released: end the process. */
    private Runnable exitAction = () -> System.exit(0);

    private static final String TLS_ERROR = "Unable to update TLS configuration. Check server logs.";

    private CinnabarServer(ServerConfig config, CommandHandlers commands) {
        this.config = config;
        this.engine = new Engine(config, Clock.SYSTEM, commands);
        this.transport = new NettyTransport(engine, config);
    }

    /**
     * Builds the server, binds its listeners and starts the engine. Throws when a listener cannot
     * be opened, after logging why in Redis's words.
     */
    public static CinnabarServer start(ServerConfig config) throws IOException {
        return start(config, CommandFamilies.newHandlers());
    }

    /** Like {@link #start(ServerConfig)} with a command table built beforehand (see Main). */
    public static CinnabarServer start(ServerConfig config, CommandHandlers commands) throws IOException {
        return start(config, commands, s -> { });
    }

    /**
     * {@link #start(ServerConfig, CommandHandlers)}, telling {@code engineUp} the server once its
     * engine runs, before the dataset loads: a SIGTERM during a long load then stops it there
     * without saving, as Redis's does, instead of waiting for the load to end (Main).
     */
    static CinnabarServer start(ServerConfig config, CommandHandlers commands, Consumer<CinnabarServer> engineUp)
            throws IOException {
        return start(config, commands, engineUp, false, null);
    }

    /**
     * A server inside a JVM that is not its own (the embedded module): SHUTDOWN, once it has
     * released everything, runs {@code onExit} instead of ending the process, and the heap's
     * flags stay the host's (no heap governor). Everything else is as {@link #start(ServerConfig)}.
     */
    public static CinnabarServer startInProcess(ServerConfig config, Runnable onExit) throws IOException {
        return start(config, CommandFamilies.newHandlers(), s -> { }, true, onExit);
    }

    private static CinnabarServer start(ServerConfig config, CommandHandlers commands, Consumer<CinnabarServer> engineUp,
            boolean inProcess, Runnable onExit) throws IOException {
        CinnabarServer s = new CinnabarServer(config, commands);
        if (inProcess) {
            s.exitAction = onExit;
        }
        applyRenames(commands, config);
        loadUsers(s.engine.server().acl(), config);
        s.systemd = SystemdNotify.forConfig(config);
        ServerLog.role(config.masterHost.isEmpty() ? 'M' : 'S');
        try {
            s.transport.start();
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("Failed listening")) {
                ServerLog.warning(e.getMessage());
            }
            s.transport.stop();
            throw e;
        }
        // No TCP listener (port 0, bind "", or only optional addresses that are not there) and
        // no Unix socket: Redis gives up.
        // A memcached listener alone (port 0, memcached-port set) is a way in too.
        boolean tcp = s.transport.boundPort() != 0 || s.transport.tlsBoundPort() != 0
                || s.transport.memcachedBoundPort() != 0;
        if (!tcp && config.unixSocket.isEmpty()) {
            ServerLog.warning("Configured to not listen anywhere, exiting.");
            s.transport.stop();
            throw new IOException("Configured to not listen anywhere");
        }
        if (config.clusterEnabled) {
            try {
                s.engine.startCluster(toEngine -> s.transport.clusterBus(() -> Cluster.of(s.engine.server()), toEngine));
            } catch (IOException e) {
                s.transport.stop();
                throw e;
            }
        }
        s.writePidFile();
        s.logo();
        ServerLog.warning("Server initialized");
        s.engine.shutdown().hooks(s);
        s.transport.startEngine();
        if (!inProcess) {
            HeapGovernor.start(s.engine);
        }
        config.hooks = s;
        engineUp.accept(s);
        // Redis's loadDataFromDisk: the listeners accept from the first moment of the load, and
        // clients get -LOADING meanwhile.
        try {
            // One task: a write served between the two would reach no AOF file.
            s.engine.runAndWait(e -> {
                s.transport.acceptConnections();
                Replication.of(e.server()).loadingAtStart();
                Persistence.of(e.server()).loadAtStart();
                Replication.of(e.server()).loadedAtStart();
                AppendOnlyFile.of(e.server()).openOnServerStart();
                // A replicaof line: the data loaded stays until the master's arrives.
                MasterLink.of(e.server()).startAsReplica();
                Cluster cluster = Cluster.of(e.server());
                if (cluster != null && !cluster.verifyWithData()) {
                    ServerLog.warning("You can't have keys in a DB different than DB 0 when in Cluster mode. Exiting.");
                    System.out.flush();
                    Runtime.getRuntime().halt(1);
                }
            }, Long.MAX_VALUE / 4);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (s.transport.memcachedBoundPort() != 0) {
            ServerLog.notice("Serving the memcached protocols on port " + s.transport.memcachedBoundPort());
        }
        if (tcp) {
            ServerLog.notice("Ready to accept connections");
        }
        if (!config.unixSocket.isEmpty()) {
            ServerLog.notice("The server is now ready to accept connections at " + config.unixSocket);
        }
        if (s.systemd != null) {
            s.systemd.ready(config);
        }
        return s;
    }

    /**
     * The config file's user lines, or the ACL file's users, before any client can connect
     * (Redis's ACLLoadUsersAtStartup); a rule refused ends the start, with Redis's log lines.
     */
    private static void loadUsers(dev.cinnabar.server.acl.Acl acl, ServerConfig config) throws IOException {
        try {
            acl.loadConfigured(config.users);
        } catch (dev.cinnabar.server.acl.Acl.AclError e) {
            ServerLog.warning(e.getMessage());
            ServerLog.warning("Critical error while loading ACLs. Exiting.");
            throw new IOException("ACL errors");
        }
        if (!config.aclFile.isEmpty()) {
            String errors = acl.loadFile(config.resolvePath(config.aclFile).toString(), new java.util.ArrayList<>());
            if (errors != null) {
                ServerLog.warning("Aborting Redis startup because of ACL errors: " + errors);
                throw new IOException("ACL errors");
            }
        }
    }

    /** The rename-command lines, checked when the file was read, applied to the live table. */
    private static void applyRenames(CommandHandlers commands, ServerConfig config) {
        for (String[] r : config.renamedCommands) {
            commands.table().rename(r[0], r[1]);
        }
    }

    public Engine engine() {
        return engine;
    }

    public NettyTransport transport() {
        return transport;
    }

    public ServerConfig config() {
        return config;
    }

    public int port() {
        return transport.boundPort();
    }

    private void logo() {
        String pad = "                ";
        String mode = config.clusterEnabled ? "cluster" : "standalone";
        ServerLog.syslogOpened("Running mode=" + mode + ", port=" + config.port + ".");
        ServerLog.raw(pad + "Cinnabar " + Version.CINNABAR + " (Redis " + Version.REDIS + " compatible) 64 bit\n"
                + pad + "Running in " + mode + " mode\n"
                + pad + "Port: " + config.port + "\n"
                + pad + "PID: " + ServerLog.pid() + "\n\n");
    }

    private void writePidFile() {
        if (config.pidFile.isEmpty()) {
            return;
        }
        Path p = config.resolvePath(config.pidFile);
        try {
            Files.writeString(p, ServerLog.pid() + "\n", StandardCharsets.US_ASCII);
            pidFile = p;
        } catch (IOException e) {
            ServerLog.warning("Failed to write PID file: " + reason(e));
        }
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "Permission denied";
        }
        return e.getMessage();
    }

    // ------------------------------------------------------------------ ConfigHooks

    @Override
    public void portChanged(ServerConfig c) throws ConfigError {
        rebind();
    }

    @Override
    public void tlsPortChanged(ServerConfig c) throws ConfigError {
        // Redis's applyTLSPort: TLS set up on first use, even for a port of 0.
        if (!transport.tlsConfigured() && !transport.configureTls()) {
            throw new ConfigError(TLS_ERROR);
        }
        try {
            transport.rebindTls();
        } catch (IOException e) {
            throw new ConfigError("Unable to listen on this port. Check server logs.");
        }
    }

    @Override
    public void tlsChanged(ServerConfig c) throws ConfigError {
        if ((c.tlsPort != 0 || c.tlsReplication || c.tlsCluster) && !transport.configureTls()) {
            throw new ConfigError(TLS_ERROR);
        }
    }

    @Override
    public void maxMemoryChanged(ServerConfig c) {
        engine.maxMemoryChanged();
        // Whether integers may be shared depends on the limit as well as on the policy.
        engine.server().applyAccessTracking();
    }

    @Override
    public void clientEvictionChanged(ServerConfig c) {
        engine.clientEvictionChanged();
    }

    @Override
    public void clusterAnnouncedChanged(ServerConfig config) {
        Cluster cluster = Cluster.of(engine.server());
        if (cluster != null) {
            cluster.updateMyselfAnnounced();
        }
    }

    @Override
    public void goodReplicasChanged(ServerConfig c) {
        Replication.of(engine.server()).refreshGoodReplicas();
    }

    @Override
    public void replicationBacklogSizeChanged(ServerConfig c) {
        Replication.of(engine.server()).backlogSizeChanged();
    }

    @Override
    public void accessTrackingChanged(ServerConfig c) {
        engine.server().applyAccessTracking();
    }

    @Override
    public void appendOnlyChanged(ServerConfig c) throws ConfigError {
        AofRewrite.of(engine.server()).appendOnlyChanged();
    }

    @Override
    public void aofAutoGcChanged(ServerConfig c) {
        AofRewrite.of(engine.server()).autoGcChanged();
    }

    @Override
    public void bindChanged(ServerConfig c) throws ConfigError {
        try {
            transport.rebindTcp();
            transport.rebindTls();
        } catch (IOException e) {
            ServerLog.warning("Failed to bind");
            throw new ConfigError("Failed to bind to specified addresses.");
        }
        if (c.memcachedPort != 0) {
            try {
                transport.rebindMemcached();
            } catch (IOException e) {
                ServerLog.warning("Failed to bind the memcached listener");
                throw new ConfigError("Failed to bind to specified addresses.");
            }
        }
    }

    @Override
    public void memcachedPortChanged(ServerConfig c) throws ConfigError {
        try {
            transport.rebindMemcached();
        } catch (IOException e) {
            throw new ConfigError("Unable to listen on this port. Check server logs.");
        }
    }

    /** The memcached listener's port, 0 when there is none. */
    public int memcachedPort() {
        return transport.memcachedBoundPort();
    }

    private void rebind() throws ConfigError {
        try {
            transport.rebindTcp();
        } catch (IOException e) {
            throw new ConfigError("Unable to listen on this port. Check server logs.");
        }
    }

    // ------------------------------------------------------------------ stop

    /**
     * SIGTERM or SIGINT: the engine runs the shutdown sequence SHUTDOWN runs, with the flags of
     * {@code shutdown-on-sigterm} or {@code shutdown-on-sigint}, after the command in progress,
     * as Redis acts on a signal from its cron. Returns at once; the process exits from the
     * engine thread.
     */
    public void shutdownOnSignal(boolean sigint) {
        int flags = sigint ? config.shutdownOnSigint : config.shutdownOnSigterm;
        if (!engine.isRunning()) {
            // Nothing left to run the sequence: release what there is and go.
            shutdown();
            System.exit(0);
        }
        engine.shutdownOnSignal(flags);
    }

    /**
     * Stops without the shutdown sequence's save, for exits the JVM starts itself (its shutdown
     * hook): stops accepting, lets the engine finish its current work, and releases everything.
     */
    public void shutdown() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        ServerLog.warning("User requested shutdown...");
        stopping();
        engine.stop(5000);
        release();
    }

    @Override
    public void stopping() {
        if (systemd != null) {
            systemd.stopping();
        }
    }

    @Override
    public void status(String text) {
        if (systemd != null) {
            systemd.send("STATUS=" + text + "\n");
        }
    }

    /** The end of the shutdown sequence, on the engine thread: release everything, exit with 0. */
    @Override
    public void exit() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        release();
        // The JVM's shutdown hook finds the server stopped and does nothing more.
        exitAction.run();
    }

    /** Redis's order: the pid file, then the listeners and the socket file, then the last line. */
    private void release() {
        if (pidFile != null) {
            ServerLog.notice("Removing the pid file.");
            try {
                Files.deleteIfExists(pidFile);
            } catch (IOException ignored) {
                // exiting anyway
            }
        }
        Cluster cluster = Cluster.of(engine.server());
        if (cluster != null) {
            cluster.close();
        }
        transport.stop();
        if (!config.unixSocket.isEmpty()) {
            ServerLog.notice("Removing the unix socket file.");
        }
        ServerLog.warning("Cinnabar is now ready to exit, bye bye...");
    }

    public boolean isStopped() {
        return stopped;
    }
}
