package dev.cinnabar.server.testing;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.commands.CommandFamilies;
import dev.cinnabar.server.config.ConfigError;
import dev.cinnabar.server.config.ConfigHooks;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.engine.Engine;
import dev.cinnabar.server.exec.CommandHandlers;
import dev.cinnabar.server.persistence.AofRewrite;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.nio.charset.StandardCharsets;

/**
 * Runs commands through the real decoder, dispatcher and handlers on the calling thread, with a
 * {@link ManualClock} and no network, and returns the raw reply bytes. For unit tests of command
 * families; integration tests drive the built JAR instead.
 */
public final class EngineHarness {
    public final ManualClock clock;
    public final ServerConfig config;
    public final Engine engine;
    /** The server as handlers see it. */
    public final ServerContext server;
    public final Client client;

    public EngineHarness() {
        this(new ServerConfig());
    }

    public EngineHarness(ServerConfig config) {
        this(config, CommandFamilies.newHandlers());
    }

    /** An engine serving {@code commands}: the shipped ones plus commands that exist only in tests. */
    public EngineHarness(ServerConfig config, CommandHandlers commands) {
        this.clock = new ManualClock();
        this.config = config;
        // Saves (SHUTDOWN, FLUSHALL with save points, SAVE) go to a scratch directory, never the module's.
        config.dir = scratchDir();
        this.engine = new Engine(config, clock, commands);
        this.server = engine.server();
        // What the running server does on CONFIG SET beyond storing the value.
        config.hooks = new ConfigHooks() {
            @Override
            public void accessTrackingChanged(ServerConfig c) {
                server.applyAccessTracking();
            }

            @Override
            public void appendOnlyChanged(ServerConfig c) throws ConfigError {
                AofRewrite.of(server).appendOnlyChanged();
            }

            @Override
            public void aofAutoGcChanged(ServerConfig c) {
                AofRewrite.of(server).autoGcChanged();
            }
        };
        this.client = newClient();
    }

    private static String scratch;

    private static synchronized String scratchDir() {
        if (scratch == null) {
            try {
                java.nio.file.Path d = java.nio.file.Files.createTempDirectory("cinnabar-harness");
                d.toFile().deleteOnExit();
                scratch = d.toString();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return scratch;
    }

    /** A further connection-less client, registered like a connected one. */
    public Client newClient() {
        return connect(null);
    }

    /**
     * A client on {@code channel} (an {@code EmbeddedChannel} in tests), registered like a
     * connected one: what applies only to connections (output limits) applies to it.
     */
    public Client connect(Channel channel) {
        Client c = new Client(engine.nextClientId(), server, channel, "127.0.0.1:40000", "127.0.0.1:6379");
        engine.connected(c);
        return c;
    }

    /** A connection-less client of the memcached listener (its input goes to a MemcachedSession). */
    public Client memcachedClient() {
        Client c = new Client(engine.nextClientId(), server, null, "127.0.0.1:40001", "127.0.0.1:11211");
        c.memcached = new dev.cinnabar.server.memcached.MemcachedSession(c);
        engine.connected(c);
        return c;
    }

    /** Feeds raw bytes to a memcached client and returns everything replied, decoded as Latin-1. */
    public String memcached(Client c, String request) {
        byte[] b = request.getBytes(StandardCharsets.ISO_8859_1);
        ((dev.cinnabar.server.memcached.MemcachedSession) c.memcached).feed(b, 0, b.length);
        engine.processInput(c);
        return drain(c);
    }

    /** Sends one command as RESP from the default client; returns the raw reply. */
    public String call(String... args) {
        return call(client, args);
    }

    public String call(Client c, String... args) {
        StringBuilder sb = new StringBuilder();
        sb.append('*').append(args.length).append("\r\n");
        for (String a : args) {
            byte[] b = a.getBytes(StandardCharsets.UTF_8);
            sb.append('$').append(b.length).append("\r\n").append(new String(b, StandardCharsets.ISO_8859_1)).append("\r\n");
        }
        return send(c, sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Feeds raw request bytes and returns everything replied, decoded as Latin-1. */
    public String send(Client c, byte[] request) {
        c.decoder.feed(request, 0, request.length);
        engine.processInput(c);
        return drain(c);
    }

    public String send(String request) {
        return send(client, request.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Takes what has been replied to {@code c} so far. */
    public String drain(Client c) {
        ByteBuf out = c.reply.buffer();
        if (out == null) {
            return "";
        }
        String s = out.toString(StandardCharsets.ISO_8859_1);
        out.clear();
        return s;
    }
}
