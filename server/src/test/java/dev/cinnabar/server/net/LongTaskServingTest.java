package dev.cinnabar.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.client.BusyState;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.LongTask;
import dev.cinnabar.server.command.CommandTable;
import dev.cinnabar.server.commands.CommandFamilies;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.db.Clock;
import dev.cinnabar.server.engine.Engine;
import dev.cinnabar.server.exec.CommandHandlers;
import dev.cinnabar.server.testing.LineConnection;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A long task holds the engine, and the server keeps answering, through the real transport in
 * both thread shapes: other clients, already connected or connecting meanwhile, get -BUSY; the
 * commands Redis lets through reach the task (a kill, SHUTDOWN NOSAVE); the client running the
 * task is left alone and its pipelined commands run afterwards, in order.
 *
 * <p>The long task is a command that exists only here: {@code LONGTASK} runs until killed or
 * stopped (at most 30 s), polling as a script's hook would, and {@code LONGTASKKILL} is its SCRIPT
 * KILL, flagged {@code allow_busy}.
 */
class LongTaskServingTest {
    private static final String BUSY = "-" + BusyState.SCRIPT;
    private static final String COMMANDS = "["
            + "{\"name\":\"longtask\",\"arity\":1,\"flags\":[\"noscript\"],\"acl_categories\":[\"slow\"],"
            + "\"first_key\":0,\"last_key\":0,\"step\":0,\"key_specs\":[]},"
            + "{\"name\":\"longtaskkill\",\"arity\":1,\"flags\":[\"allow_busy\"],\"acl_categories\":[\"slow\"],"
            + "\"first_key\":0,\"last_key\":0,\"step\":0,\"key_specs\":[]},"
            + "{\"name\":\"loadtask\",\"arity\":1,\"flags\":[\"noscript\"],\"acl_categories\":[\"slow\"],"
            + "\"first_key\":0,\"last_key\":0,\"step\":0,\"key_specs\":[]},"
            + "{\"name\":\"loaddone\",\"arity\":1,\"flags\":[\"loading\"],\"acl_categories\":[\"slow\"],"
            + "\"first_key\":0,\"last_key\":0,\"step\":0,\"key_specs\":[]}]";

    private Engine engine;
    private NettyTransport transport;

    private int start(int ioThreads) throws IOException {
        ServerConfig config = new ServerConfig();
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            config.port = free.getLocalPort();
        }
        config.bind = new String[] {"127.0.0.1"};
        config.ioThreads = ioThreads;
        CommandTable table = CommandTable.load();
        table.add(COMMANDS, "test");
        CommandHandlers handlers = new CommandHandlers(table);
        CommandFamilies.registerAll(handlers);
        handlers.bind("longtask", c -> runLongTask(c, BusyState.SCRIPT));
        handlers.bind("loadtask", c -> runLongTask(c, BusyState.LOADING));
        // SCRIPT KILL's part, and a command a load lets through that ends it.
        handlers.bind("longtaskkill", LongTaskServingTest::kill);
        handlers.bind("loaddone", LongTaskServingTest::kill);
        handlers.requireComplete();
        engine = new Engine(config, Clock.SYSTEM, handlers);
        transport = new NettyTransport(engine, config);
        transport.start();
        transport.startEngine();
        transport.acceptConnections();
        return transport.boundPort();
    }

    private static void kill(Client c) {
        c.server.busy().requestKill();
        c.reply.ok();
    }

    /** Runs until killed or stopped (at most 30 s), polling as a script's hook or a load would. */
    private static void runLongTask(Client c, String rejection) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String end = "timeout";
        try (LongTask task = c.server.control().beginLongTask(c, rejection)) {
            while (System.nanoTime() < deadline) {
                task.poll();
                if (task.killRequested()) {
                    end = "killed";
                    break;
                }
                if (task.stopRequested()) {
                    end = "stopped";
                    break;
                }
                Thread.onSpinWait();
            }
        }
        c.reply.simple(end);
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.stop(2000);
        }
        if (transport != null) {
            transport.stop();
        }
    }


    @ParameterizedTest(name = "io-threads {0}")
    @ValueSource(ints = {1, 2})
    void otherClientsGetBusyUntilTheTaskIsKilled(int ioThreads) throws Exception {
        int port = start(ioThreads);
        try (LineConnection owner = new LineConnection(port); LineConnection other = new LineConnection(port)) {
            assertEquals("+PONG", other.call("PING"));
            // The task's own client pipelines more commands behind it: they wait, untouched.
            owner.send("SET before 1\r\nLONGTASK\r\nPING\r\nGET before\r\n");
            // Busy answers come while the task still runs: it only ends when killed.
            assertEquals(BUSY, awaitBusy(other));
            assertEquals(BUSY, other.call("GET before"));
            try (LineConnection late = new LineConnection(port)) {
                assertEquals(BUSY, late.call("PING"), "a connection made during the task is served too");
                // Let through while busy, as Redis lets AUTH, HELLO, QUIT and RESET through.
                assertEquals("+RESET", late.call("RESET"));
            }
            assertTrue(engine.server().busy().active());
            assertEquals("+OK", other.call("LONGTASKKILL"));
            assertEquals("+OK", owner.line(), "its replies wait for the task's own");
            assertEquals("+killed", owner.line());
            assertEquals("+PONG", owner.line(), "the owner's next command ran after its task");
            assertEquals("$1", owner.line());
            assertEquals("1", owner.line());
            assertFalse(engine.server().busy().active());
            assertEquals("+PONG", other.call("PING"));
        }
    }

    @ParameterizedTest(name = "io-threads {0}")
    @ValueSource(ints = {1, 2})
    void shutdownNosaveEndsTheTaskThenTheServer(int ioThreads) throws Exception {
        int port = start(ioThreads);
        try (LineConnection owner = new LineConnection(port); LineConnection other = new LineConnection(port)) {
            owner.send("LONGTASK\r\n");
            assertEquals(BUSY, awaitBusy(other));
            assertEquals(BUSY, other.call("SHUTDOWN"), "only NOSAVE may stop a busy server");
            other.send("SHUTDOWN NOSAVE\r\n");
            assertEquals("+stopped", owner.line());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (engine.isRunning() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertFalse(engine.isRunning(), "the shutdown ran once the task was over");
        }
    }

    @ParameterizedTest(name = "io-threads {0}")
    @ValueSource(ints = {1, 2})
    void theTasksClientMayHangUpMeanwhile(int ioThreads) throws Exception {
        int port = start(ioThreads);
        try (LineConnection other = new LineConnection(port)) {
            LineConnection owner = new LineConnection(port);
            owner.send("LONGTASK\r\n");
            assertEquals(BUSY, awaitBusy(other));
            owner.close();
            assertEquals(BUSY, other.call("PING"));
            assertEquals("+OK", other.call("LONGTASKKILL"));
            assertEquals("+PONG", awaitAnswer(other));
            // Its disconnection may reach the engine before the task ended or after: either way
            // it is freed, once nothing runs for it any more.
            String list = "";
            for (int i = 0; i < 200 && list.split("\n").length != 1; i++) {
                other.send("CLIENT LIST\r\n");
                list = other.bulk().strip();
                Thread.sleep(10);
            }
            assertEquals(1, list.split("\n").length, list);
        }
    }

    /** Sends PING until it is answered +PONG (the task over); returns the last answer. */
    private static String awaitAnswer(LineConnection c) throws IOException, InterruptedException {
        String r = "";
        for (int i = 0; i < 2000 && !r.equals("+PONG"); i++) {
            r = c.call("PING");
            if (!r.equals("+PONG")) {
                Thread.sleep(5);
            }
        }
        return r;
    }

    @ParameterizedTest(name = "io-threads {0}")
    @ValueSource(ints = {1, 2})
    void whileLoadingOnlyLoadingCommandsRun(int ioThreads) throws Exception {
        int port = start(ioThreads);
        try (LineConnection owner = new LineConnection(port); LineConnection other = new LineConnection(port)) {
            owner.send("LOADTASK\r\n");
            assertEquals("-" + BusyState.LOADING, awaitBusy(other));
            assertEquals("-" + BusyState.LOADING, other.call("GET k"));
            other.send("INFO server\r\n");
            assertTrue(other.bulk().startsWith("# Server"), "INFO is flagged loading, so it runs");
            assertEquals("+OK", other.call("LOADDONE"));
            assertEquals("+killed", owner.line());
            assertEquals("+PONG", other.call("PING"));
        }
    }

    /** Sends PING until the task has started and the answer is the busy one; returns it. */
    private static String awaitBusy(LineConnection c) throws IOException, InterruptedException {
        for (int i = 0; i < 2000; i++) {
            String r = c.call("PING");
            if (!r.equals("+PONG")) {
                return r;
            }
            Thread.sleep(5);
        }
        return "(never busy)";
    }
}
