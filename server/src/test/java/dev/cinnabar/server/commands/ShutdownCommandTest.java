package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.engine.Shutdown;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.testing.EngineHarness;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SHUTDOWN's options and errors, with the server's part (systemd, the exit) recorded instead of done. */
class ShutdownCommandTest {
    private final EngineHarness h = new EngineHarness();
    private final List<String> server = new ArrayList<>();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    @TempDir
    Path dir;

    @BeforeEach
    void recordServer() {
        h.config.dir = dir.toString();
        ServerLog.stream(log);
        h.engine.shutdown().hooks(new Shutdown.Hooks() {
            @Override
            public void stopping() {
                server.add("STOPPING");
            }

            @Override
            public void status(String text) {
                server.add("STATUS=" + text);
            }

            @Override
            public void exit() {
                server.add("exit");
            }
        });
    }

    @AfterEach
    void restoreLog() {
        ServerLog.stream(System.out);
    }

    private String logText() {
        return log.toString(StandardCharsets.UTF_8);
    }

    @Test
    void optionErrors() {
        for (String[] bad : new String[][] {{"foo"}, {"abort", "now"}, {"now", "abort"}, {"save", "nosave"},
                {"nosave", "save"}, {"abort", "abort", "force"}}) {
            String[] cmd = new String[bad.length + 1];
            cmd[0] = "SHUTDOWN";
            System.arraycopy(bad, 0, cmd, 1, bad.length);
            assertEquals("-ERR syntax error\r\n", h.call(cmd), String.join(" ", bad));
        }
        assertEquals("-ERR No shutdown in progress.\r\n", h.call("SHUTDOWN", "ABORT"));
        assertEquals("-ERR No shutdown in progress.\r\n", h.call("shutdown", "abort", "ABORT"));
        assertEquals(List.of(), server);
    }

    /** A directory the save cannot write to. */
    private void unwritableDir() {
        h.config.dir = dir.resolve("missing").toString();
    }

    @Test
    void savePointsMakeItSaveFirst() {
        h.call("SET", "k", "v");
        assertEquals("", h.call("SHUTDOWN"));
        assertEquals(List.of("STOPPING", "STATUS=Saving the final RDB snapshot", "exit"), server);
        String text = logText();
        assertTrue(text.contains("* Saving the final RDB snapshot before exiting.\n"), text);
        assertTrue(text.contains("* DB saved on disk\n"), text);
        assertTrue(Files.exists(dir.resolve("dump.rdb")));
    }

    @Test
    void aFailedSaveKeepsTheServerRunning() {
        unwritableDir();
        assertEquals("-ERR Errors trying to SHUTDOWN. Check logs.\r\n", h.call("SHUTDOWN"));
        assertEquals("-ERR Errors trying to SHUTDOWN. Check logs.\r\n", h.call("SHUTDOWN", "NOW"));
        assertEquals(List.of("STOPPING", "STATUS=Saving the final RDB snapshot",
                "STATUS=Error trying to save the DB, can't exit.", "STOPPING", "STATUS=Saving the final RDB snapshot",
                "STATUS=Error trying to save the DB, can't exit."), server);
        String text = logText();
        assertTrue(text.contains("# User requested shutdown...\n"), text);
        assertTrue(text.contains("* Saving the final RDB snapshot before exiting.\n"), text);
        assertTrue(text.contains("# Failed opening the temp RDB file temp-"), text);
        assertTrue(text.contains("# Error trying to save the DB, can't exit.\n"), text);
        assertTrue(text.contains("# Errors trying to shut down the server. Check the logs for more information.\n"), text);
        assertEquals("+PONG\r\n", h.call("PING"), "still serving");
    }

    @Test
    void nosaveExitsWithoutAReply() {
        assertEquals("", h.call("SHUTDOWN", "NOSAVE", "NOW"));
        assertEquals(List.of("STOPPING", "exit"), server);
        assertTrue(!logText().contains("Saving"), logText());
    }

    @Test
    void forceExitsDespiteTheFailedSave() {
        unwritableDir();
        assertEquals("", h.call("SHUTDOWN", "FORCE"));
        assertEquals("exit", server.get(server.size() - 1));
        assertTrue(logText().contains("# Error trying to save the DB. Exit anyway.\n"), logText());
    }

    @Test
    void withoutSavePointsItJustExitsUnlessToldToSave() {
        unwritableDir();
        h.call("CONFIG", "SET", "save", "");
        assertEquals("-ERR Errors trying to SHUTDOWN. Check logs.\r\n", h.call("SHUTDOWN", "SAVE"));
        assertEquals("", h.call("SHUTDOWN"));
        assertEquals("exit", server.get(server.size() - 1));
    }

    @Test
    void aSignalWhoseSaveFailsLeavesTheServerRunningAsInRedis() {
        unwritableDir();
        h.engine.shutdown().runForSignal(0);
        assertEquals("STATUS=Error trying to save the DB, can't exit.", server.get(server.size() - 1));
        assertTrue(logText().contains("# Error trying to save the DB, can't exit.\n"), logText());
        h.engine.shutdown().runForSignal(dev.cinnabar.server.config.ShutdownFlags.FORCE);
        assertEquals("exit", server.get(server.size() - 1));
    }

    @Test
    void shutdownOnSigtermNosaveSkipsTheSave() {
        h.call("CONFIG", "SET", "shutdown-on-sigterm", "nosave");
        h.engine.shutdown().runForSignal(h.config.shutdownOnSigterm);
        assertEquals(List.of("STOPPING", "exit"), server);
    }
}
