package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.Replies;
import dev.cinnabar.it.support.ServerProcess;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Debian's redis-cli 7.0 against Cinnabar. Interactively it asks the server for COMMAND DOCS when
 * it starts and builds its hints and {@code help} pages from the answer, so a broken reply shows
 * up here as a client that falls back to its built-in table, hangs or dies.
 *
 * <p>redis-cli is interactive only on a terminal, so it runs under util-linux's {@code script},
 * which gives it a pseudo-terminal without needing one for the test itself (CI has none).
 */
class RedisCliIT {
    private static final long TIMEOUT_MS = 20_000;

    @Test
    void interactiveSessionUsesOurDocs() throws Exception {
        try (ServerProcess server = ServerProcess.cinnabar()) {
            String summary = setSummary(server.port());
            String prompt = "127.0.0.1:" + server.port() + "> ";
            // The pseudo-terminal starts with no size; linenoise would then ask the terminal for
            // its width and wait for an answer nobody sends.
            ProcessBuilder pb = new ProcessBuilder(binary("script"), "-q", "-c",
                    "stty cols 200 rows 50; exec " + ServerProcess.redisCliBinary() + " -p " + server.port(),
                    "/dev/null")
                    .redirectErrorStream(true);
            // Neither read the user's settings nor write to their history.
            pb.environment().put("REDISCLI_HISTFILE", "/dev/null");
            pb.environment().put("REDISCLI_RCFILE", "/dev/null");
            pb.environment().put("TERM", "xterm");
            Process cli = pb.start();
            Terminal t = new Terminal(cli);
            try {
                t.await(prompt);
                // Typing a command name shows its arguments as a hint. (redis-cli's built-in table
                // would give the same hint; the help page below is what proves our docs are used.)
                t.type("set ");
                t.await("key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds"
                        + "|PXAT unix-time-milliseconds|KEEPTTL]");
                t.type("greeting hello\r");
                t.await("OK");
                t.type("help SET\r");
                // Our summary, not the one compiled into redis-cli: the help came from our docs.
                t.await(summary);
                t.await("1.0.0");
                t.type("get greeting\r");
                t.await("\"hello\"");
                t.type("exit\r");
                assertTrue(cli.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS), "redis-cli did not exit:\n" + t.output());
                assertEquals(0, cli.exitValue(), t.output());
            } finally {
                cli.destroyForcibly();
            }
        }
    }

    /** SET's summary as Cinnabar documents it. */
    private static String setSummary(int port) throws IOException {
        try (RawConnection c = new RawConnection(port)) {
            List<String> outer = Replies.elements(c.call("COMMAND", "DOCS", "set"));
            List<String> fields = Replies.elements(outer.get(1));
            assertEquals("$7\r\nsummary\r\n", fields.get(0));
            String s = fields.get(1);
            return s.substring(s.indexOf("\r\n") + 2, s.length() - 2);
        }
    }

    private static String binary(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        throw new IllegalStateException(name + " is not installed (Debian's util-linux/bsdutils provides it)");
    }

    /** Keystrokes in, everything the terminal shows out, read on a thread of its own. */
    private static final class Terminal {
        private final OutputStream in;
        private final StringBuffer out = new StringBuffer();
        private int seen;

        Terminal(Process p) {
            this.in = p.getOutputStream();
            InputStream stdout = p.getInputStream();
            Thread reader = new Thread(() -> {
                byte[] buf = new byte[4096];
                try {
                    int n;
                    while ((n = stdout.read(buf)) > 0) {
                        out.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                    }
                } catch (IOException closed) {
                    // The process ended.
                }
            }, "redis-cli-output");
            reader.setDaemon(true);
            reader.start();
        }

        void type(String keys) throws IOException {
            in.write(keys.getBytes(StandardCharsets.ISO_8859_1));
            in.flush();
        }

        /** Waits until {@code text} appears after what earlier waits consumed. */
        void await(String text) throws InterruptedException {
            long deadline = System.currentTimeMillis() + TIMEOUT_MS;
            while (System.currentTimeMillis() < deadline) {
                int at = out.indexOf(text, seen);
                if (at >= 0) {
                    seen = at + text.length();
                    return;
                }
                Thread.sleep(20);
            }
            throw new AssertionError("redis-cli never showed \"" + text + "\"; the terminal showed:\n" + output());
        }

        String output() {
            return out.toString().replace("\u001b", "<ESC>");
        }
    }
}
