package dev.cinnabar.it.support;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.commands.CommandFamilies;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.db.Clock;
import dev.cinnabar.server.db.Propagation;
import dev.cinnabar.server.engine.Engine;
import dev.cinnabar.server.exec.CommandHandlers;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Cinnabar's side of the propagation scenarios: a fresh engine in this process for each
 * scenario, on the wall clock (so that the absolute times it propagates compare with Redis's),
 * with a sink that records what a replica would be fed, SELECTs as a replication stream puts
 * them. Commands run on the calling thread as they would on the engine thread; a {@code !sleep}
 * runs the cron meanwhile, so that active expiry happens as on a running server.
 */
public final class CinnabarPropagation implements PropagationSubject {
    private final CommandHandlers handlers = CommandFamilies.newHandlers();
    private final List<String> replies = new ArrayList<>();
    private long changes;

    /** A replica's view: a SELECT whenever the database changes, the first command included. */
    private static final class Stream implements Propagation.Sink {
        final List<List<byte[]>> commands = new ArrayList<>();
        int selected = -1;

        @Override
        public void propagate(int db, Argv command) {
            if (db != selected) {
                commands.add(List.of("SELECT".getBytes(StandardCharsets.US_ASCII),
                        Integer.toString(db).getBytes(StandardCharsets.US_ASCII)));
                selected = db;
            }
            List<byte[]> args = new ArrayList<>(command.count());
            for (int i = 0; i < command.count(); i++) {
                args.add(command.copy(i));
            }
            commands.add(args);
        }

        /** What Redis's replication stream shows: not what a script sent to the AOF alone. */
        @Override
        public int target() {
            return Propagation.TO_REPLICAS;
        }
    }

    /** The last scenario's replies, one per step, for failure messages. */
    public List<String> lastReplies() {
        return List.copyOf(replies);
    }

    @Override
    public List<List<byte[]>> run(PropagationScenario scenario) throws Exception {
        replies.clear();
        ServerConfig config = new ServerConfig();
        config.enableDebugCommand = "yes";
        // The reference redis-server runs without save points: no save at FLUSHALL, no BGSAVE from the cron.
        config.save = new long[0];
        Engine engine = new Engine(config, Clock.SYSTEM, handlers);
        Stream stream = new Stream();
        engine.server().propagation().addSink(stream);
        Client c = new Client(engine.nextClientId(), engine.server(), null, "127.0.0.1:40000", "127.0.0.1:6379");
        engine.connected(c);
        List<Client> others = new ArrayList<>();
        try {
            runSteps(scenario, engine, config, c, others);
        } finally {
            // Their output buffers are pooled direct memory: hand them back as a closed
            // connection does (left to the collector, Netty reports them as leaks).
            engine.disconnected(c);
            others.forEach(engine::disconnected);
        }
        changes = engine.server().keyspace().dirty;
        return stream.commands;
    }

    private void runSteps(PropagationScenario scenario, Engine engine, ServerConfig config, Client c, List<Client> others)
            throws Exception {
        for (PropagationScenario.Step step : scenario.steps) {
            switch (step.kind) {
                case SLEEP:
                    sleepWithCron(engine, config, step.sleepMillis);
                    replies.add("(slept)");
                    break;
                case CONFIG:
                    replies.add(call(engine, c, prefixed(step.args, "CONFIG", "SET")));
                    break;
                case DEBUG:
                    replies.add(call(engine, c, prefixed(step.args, "DEBUG")));
                    break;
                case BLOCK: {
                    Client b = new Client(engine.nextClientId(), engine.server(), null, "127.0.0.1:40001", "127.0.0.1:6379");
                    engine.connected(b);
                    others.add(b);
                    call(engine, b, step.args);
                    if (!b.has(Client.BLOCKED)) {
                        throw new IllegalStateException(scenario.where() + ": " + step.text + " did not block");
                    }
                    replies.add("(blocked)");
                    break;
                }
                default: {
                    String reply = call(engine, c, step.args);
                    // A command that blocks (BLPOP k 0.01) answers when its timeout passes.
                    long deadline = System.currentTimeMillis() + 5000;
                    while (c.has(Client.BLOCKED) && System.currentTimeMillis() < deadline) {
                        Thread.sleep(1);
                        engine.handleBlockedClients();
                    }
                    replies.add(reply + take(c));
                    break;
                }
            }
        }
    }

    /** The last scenario's changes towards the save points (INFO's rdb_changes_since_last_save). */
    public long lastChanges() {
        return changes;
    }

    /** Sleeps, running the cron at {@code hz} as the engine's loop would. */
    private static void sleepWithCron(Engine engine, ServerConfig config, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        long period = 1000 / Math.max(1, config.hz);
        for (long left = millis; left > 0; left = end - System.currentTimeMillis()) {
            Thread.sleep(Math.min(period, left));
            engine.runCron();
        }
    }

    private static List<byte[]> prefixed(List<byte[]> args, String... first) {
        List<byte[]> all = new ArrayList<>();
        for (String f : first) {
            all.add(f.getBytes(StandardCharsets.US_ASCII));
        }
        all.addAll(args);
        return all;
    }

    /** Runs one command as the client sent it and returns the raw reply. */
    private static String call(Engine engine, Client c, List<byte[]> args) {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        ascii(request, "*" + args.size() + "\r\n");
        for (byte[] a : args) {
            ascii(request, "$" + a.length + "\r\n");
            request.writeBytes(a);
            ascii(request, "\r\n");
        }
        byte[] bytes = request.toByteArray();
        c.decoder.feed(bytes, 0, bytes.length);
        engine.processInput(c);
        return take(c);
    }

    /** What was replied to {@code c} so far. */
    private static String take(Client c) {
        ByteBuf out = c.reply.buffer();
        String reply = out == null ? "" : out.toString(StandardCharsets.ISO_8859_1);
        if (out != null) {
            out.clear();
        }
        return reply;
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }
}
