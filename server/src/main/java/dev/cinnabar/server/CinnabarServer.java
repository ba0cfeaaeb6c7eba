package dev.cinnabar.server;

import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.engine.Clock;
import dev.cinnabar.server.engine.Engine;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.net.NettyTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A running server: the engine, the transport, and their start and stop in the right order. */
public final class CinnabarServer {
    private final ServerConfig config;
    private final Engine engine;
    private final NettyTransport transport;
    private volatile boolean stopped;

    private CinnabarServer(ServerConfig config) {
        this.config = config;
        this.engine = new Engine(config, Clock.SYSTEM);
        this.transport = new NettyTransport(engine, config);
    }

    /** Builds the server, binds its listeners and starts the engine. */
    public static CinnabarServer start(ServerConfig config) throws IOException {
        CinnabarServer s = new CinnabarServer(config);
        s.transport.start();
        ServerLog.role('M');
        s.logo();
        ServerLog.warning("Server initialized");
        s.engine.start(s.transport);
        s.writePidFile();
        ServerLog.notice("Ready to accept connections");
        return s;
    }

    public Engine engine() {
        return engine;
    }

    public NettyTransport transport() {
        return transport;
    }

    public int port() {
        return transport.boundPort();
    }

    private void logo() {
        String pad = "                ";
        ServerLog.raw(pad + "Cinnabar " + Version.CINNABAR + " (Redis " + Version.REDIS + " compatible) 64 bit\n"
                + pad + "Running in standalone mode\n"
                + pad + "Port: " + config.port + "\n"
                + pad + "PID: " + ServerLog.pid() + "\n\n");
    }

    private void writePidFile() {
        if (config.pidFile.isEmpty()) {
            return;
        }
        try {
            Files.writeString(Path.of(config.pidFile), ServerLog.pid() + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            ServerLog.warning("Failed to write PID file: " + e.getMessage());
        }
    }

    /** Stops accepting, lets the engine finish its current work, and releases everything. */
    public synchronized void shutdown() {
        if (stopped) {
            return;
        }
        stopped = true;
        ServerLog.warning("User requested shutdown...");
        engine.stop(5000);
        transport.stop();
        if (!config.pidFile.isEmpty()) {
            ServerLog.notice("Removing the pid file.");
            try {
                Files.deleteIfExists(Path.of(config.pidFile));
            } catch (IOException ignored) {
                // exiting anyway
            }
        }
        if (!config.unixSocket.isEmpty()) {
            ServerLog.notice("Removing the unix socket file.");
        }
        ServerLog.warning("Cinnabar is now ready to exit, bye bye...");
    }
}
