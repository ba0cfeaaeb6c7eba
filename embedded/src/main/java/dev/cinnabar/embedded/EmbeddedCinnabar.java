package dev.cinnabar.embedded;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.protocol.RespBuffer;
import dev.cinnabar.server.CinnabarServer;
import dev.cinnabar.server.config.ConfigLoader;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.log.ServerLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Cinnabar server inside this JVM, for tests: it starts in a fraction of a second on a free
 * port of 127.0.0.1, speaks RESP to any Redis client, and stops with {@link #close()}.
 *
 * <pre>{@code
 * try (EmbeddedCinnabar redis = EmbeddedCinnabar.start()) {
 *     Jedis jedis = new Jedis(redis.host(), redis.port());
 *     ...
 * }
 * }</pre>
 *
 * <p>It is the real server, with a test's defaults: no save points and a data directory of its own
 * (a temporary one, deleted by {@link #close()}), listening on 127.0.0.1 only, logging warnings
 * only. Any {@code redis.conf} directive can be set with {@link Builder#setting}, as on the
 * command line. A SHUTDOWN sent by a client stops this server, never the JVM.
 *
 * <p>Several servers can run in one JVM; they share the JVM's heap (INFO's memory figures
 * are the JVM's) and its log settings (the last server started sets the log level and file).
 */
public final class EmbeddedCinnabar implements AutoCloseable {
    private static final String HOST = "127.0.0.1";
    /** How many free ports are tried when another process takes the one chosen first. */
    private static final int PORT_ATTEMPTS = 5;

    private final CinnabarServer server;
    private final int port;
    /** The data directory this made, deleted on close; null when the user gave one. */
    private final Path ownDir;
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** requirepass, for {@link #flushAll}'s connection; null when none. */
    private final String password;

    private EmbeddedCinnabar(CinnabarServer server, int port, Path ownDir, String password) {
        this.server = server;
        this.port = port;
        this.ownDir = ownDir;
        this.password = password;
    }

    /** A server with the defaults, on a free port. */
    public static EmbeddedCinnabar start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings for the server to start; each is a {@code redis.conf} directive. */
    public static final class Builder {
        private int port;
        private final Map<String, List<String>> settings = new LinkedHashMap<>();

        private Builder() {
            setting("save", "");
            setting("bind", HOST);
            setting("loglevel", "warning");
        }

        /** The TCP port; 0 (the default) takes a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * A directive and its arguments, as in {@code redis.conf}: {@code setting("maxmemory",
         * "100mb")}, {@code setting("save", "60", "1000")}. A later call for the same directive
         * replaces the earlier one, as {@code --name value} on the command line does.
         */
        public Builder setting(String name, String... values) {
            String key = name.toLowerCase(java.util.Locale.ROOT);
            if (key.equals("port") && values.length == 1) {
                return port(Integer.parseInt(values[0]));
            }
            settings.put(key, List.of(values));
            return this;
        }

        /**
         * Starts the server; throws {@link IllegalArgumentException} for a setting Redis would
         * refuse (with Redis's message) and {@link UncheckedIOException} when it cannot listen.
         */
        public EmbeddedCinnabar start() {
            Path ownDir = null;
            if (!settings.containsKey("dir")) {
                try {
                    ownDir = Files.createTempDirectory("cinnabar-embedded-");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            IOException last = null;
            for (int attempt = 0; attempt < (port == 0 ? PORT_ATTEMPTS : 1); attempt++) {
                int p = port != 0 ? port : freePort();
                ServerConfig config = configure(p, ownDir);
                EmbeddedCinnabar[] self = new EmbeddedCinnabar[1];
                CountDownLatch started = new CountDownLatch(1);
                try {
                    ServerLog.level(ServerLog.Level.parse(config.logLevel));
                    ServerLog.file(config.logFile.isEmpty() ? null : config.resolvePath(config.logFile));
                    CinnabarServer s = CinnabarServer.startInProcess(config, () -> {
                        // SHUTDOWN from a client, on the engine's thread, which released the
                        // listeners and connections: the engine's loop stops after this task.
                        awaitQuietly(started);
                        EmbeddedCinnabar me = self[0];
                        Thread stop = new Thread(() -> {
                            me.server.engine().stop(5000);
                            me.stopped.countDown();
                        }, "cinnabar-embedded-stop");
                        stop.setDaemon(true);
                        stop.start();
                    });
                    self[0] = new EmbeddedCinnabar(s, p, ownDir,
                            config.requirePass == null || config.requirePass.isEmpty() ? null : config.requirePass);
                    started.countDown();
                    return self[0];
                } catch (IOException e) {
                    last = e; // the port was taken meanwhile: another one
                }
            }
            deleteTree(ownDir);
            throw new UncheckedIOException("Cinnabar could not listen", last);
        }

        private ServerConfig configure(int p, Path ownDir) {
            StringBuilder text = new StringBuilder();
            if (ownDir != null) {
                line(text, "dir", List.of(ownDir.toString()));
            }
            for (Map.Entry<String, List<String>> e : settings.entrySet()) {
                line(text, e.getKey(), e.getValue());
            }
            line(text, "port", List.of(Integer.toString(p)));
            ServerConfig config = new ServerConfig();
            try {
                new ConfigLoader(config, Set::of).load(text.toString());
            } catch (ConfigLoader.FatalError e) {
                throw new IllegalArgumentException(e.reason() + " (" + e.getMessage() + ")", e);
            } catch (ConfigLoader.UnreadableFile e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            return config;
        }

        /** One config line, each argument quoted as redis.conf reads quoted strings. */
        private static void line(StringBuilder text, String name, List<String> values) {
            text.append(name);
            for (String v : values) {
                text.append(" \"");
                for (int i = 0; i < v.length(); i++) {
                    char c = v.charAt(i);
                    switch (c) {
                        case '"', '\\' -> text.append('\\').append(c);
                        case '\n' -> text.append("\\n");
                        case '\r' -> text.append("\\r");
                        default -> text.append(c);
                    }
                }
                text.append('"');
            }
            text.append('\n');
        }
    }

    /** The address clients connect to: always the loopback address, 127.0.0.1. */
    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}, for clients configured by URI. */
    public String uri() {
        return "redis://" + HOST + ":" + port;
    }

    /** True until {@link #close()}, or a client's SHUTDOWN, stopped it. */
    public boolean isRunning() {
        return stopped.getCount() > 0 && !server.isStopped();
    }

    /**
     * Stops the server as a JVM's exit stops it, without the save SHUTDOWN may make: closes its
     * connections, frees its port and deletes the data directory this made. Waits for the stop;
     * does nothing the second time.
     */
    @Override
    public void close() {
        if (!server.isStopped()) {
            server.shutdown();
        }
        stopped.countDown();
        deleteTree(ownDir);
    }

    /**
     * Empties the server as FLUSHALL, SCRIPT FLUSH and FUNCTION FLUSH do, through a connection
     * of its own (authenticated as the default user when requirepass is set).
     */
    public void flushAll() {
        try (Socket s = new Socket(HOST, port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            List<Argv> commands = new ArrayList<>();
            if (password != null) {
                commands.add(Argv.of("AUTH", password));
            }
            commands.add(Argv.of("FLUSHALL"));
            commands.add(Argv.of("SCRIPT", "FLUSH"));
            commands.add(Argv.of("FUNCTION", "FLUSH"));
            RespBuffer requests = new RespBuffer(128);
            for (Argv c : commands) {
                requests.command(c);
            }
            requests.writeTo(out);
            out.flush();
            for (Argv c : commands) {
                String reply = line(in);
                if (!reply.startsWith("+")) {
                    throw new IllegalStateException(c.latin1(0) + ": " + reply);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    /** Waits up to {@code timeoutMillis} for a client's SHUTDOWN to stop the server; true if it did. */
    public boolean awaitStop(long timeoutMillis) throws InterruptedException {
        return stopped.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        List<Path> all = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(all::add);
        } catch (IOException e) {
            return;
        }
        for (Path p : all) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a temporary directory: what cannot go now, the system's cleaning takes
            }
        }
    }
}
