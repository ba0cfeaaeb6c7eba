package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerProcess;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** DEBUG against the JAR, beside redis-server where the two must agree. */
class DebugIT {
    static final String DENIED = "-ERR DEBUG command not allowed. If the enable-debug-command option is set to "
            + "\"local\", you can run it from a local connection, otherwise you need to set this option in the "
            + "configuration file, and then restart the server.\r\n";

    /** An IPv4 address of this machine other than loopback, to connect from as a non-local client. */
    private static InetAddress externalAddress() throws IOException {
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!ni.isUp() || ni.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                    return a;
                }
            }
        }
        return null;
    }

    private static String call(InetAddress host, int port, String... args) throws IOException {
        try (Socket s = new Socket(host, port)) {
            StringBuilder req = new StringBuilder("*" + args.length + "\r\n");
            for (String a : args) {
                req.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
            }
            s.getOutputStream().write(req.toString().getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(10_000);
            byte[] buf = new byte[4096];
            int n = s.getInputStream().read(buf);
            return new String(buf, 0, n, StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void eachSettingFromALocalClient() throws IOException {
        for (String setting : List.of("no", "local", "yes")) {
            try (ServerProcess redis = ServerProcess.redis("--enable-debug-command", setting);
                    ServerProcess ours = ServerProcess.cinnabar("--enable-debug-command", setting, "--bind", "127.0.0.1");
                    RawConnection r = new RawConnection(redis.port());
                    RawConnection c = new RawConnection(ours.port())) {
                String expected = setting.equals("no") ? DENIED : "+OK\r\n";
                assertEquals(expected, r.call("DEBUG", "SLEEP", "0"), setting);
                assertEquals(expected, c.call("DEBUG", "SLEEP", "0"), setting);
                assertEquals(r.call("DEBUG", "NOSUCH"), c.call("DEBUG", "NOSUCH"), setting);
                assertEquals(r.call("CONFIG", "SET", "enable-debug-command", "yes"),
                        c.call("CONFIG", "SET", "enable-debug-command", "yes"), "immutable");
            }
        }
    }

    @Test
    void localRefusesARemoteClient() throws Exception {
        InetAddress external = externalAddress();
        Assumptions.assumeTrue(external != null, "this machine has no non-loopback IPv4 address");
        String bind = "127.0.0.1 " + external.getHostAddress();
        for (String setting : List.of("local", "yes")) {
            try (ServerProcess redis = ServerProcess.redis("--enable-debug-command", setting, "--bind", bind,
                    "--protected-mode", "no");
                    ServerProcess ours = ServerProcess.cinnabar("--enable-debug-command", setting, "--bind", bind,
                            "--protected-mode", "no")) {
                // The loopback address answers first; every listener is open once the server says it is ready.
                ServerLifecycleIT.logWhenReady(ours);
                String expected = setting.equals("local") ? DENIED : "+OK\r\n";
                assertEquals(expected, call(external, redis.port(), "DEBUG", "SLEEP", "0"), "redis, " + setting);
                assertEquals(expected, call(external, ours.port(), "DEBUG", "SLEEP", "0"), "cinnabar, " + setting);
            }
        }
    }

    @Test
    void sleepBlocksEveryClient() throws Exception {
        try (ServerProcess s = ServerProcess.cinnabar("--enable-debug-command", "yes");
                RawConnection sleeper = new RawConnection(s.port());
                RawConnection other = new RawConnection(s.port())) {
            assertEquals("+PONG\r\n", other.call("PING"));
            long start = System.nanoTime();
            CompletableFuture<String> slept = CompletableFuture.supplyAsync(() -> {
                try {
                    return sleeper.call("DEBUG", "SLEEP", "0.6");
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(100);
            assertEquals("+PONG\r\n", other.call("PING"));
            long pingMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals("+OK\r\n", slept.get());
            assertTrue(pingMillis >= 550, "PING answered after " + pingMillis + " ms, during the sleep");
        }
    }

    /** Everything in DEBUG OBJECT's line but the address, which differs by nature. */
    private static String withoutAddress(String reply) {
        Matcher m = Pattern.compile("\\+Value at:0x[0-9a-f]+ (refcount:\\d+ encoding:\\w+ serializedlength:\\d+) "
                + "lru:\\d+ lru_seconds_idle:\\d+\\r\\n").matcher(reply);
        assertTrue(m.matches(), reply);
        return m.group(1);
    }

    @Test
    void objectAgreesWithRedis() throws IOException {
        try (ServerProcess redis = ServerProcess.redis("--enable-debug-command", "yes");
                ServerProcess ours = ServerProcess.cinnabar("--enable-debug-command", "yes");
                RawConnection r = new RawConnection(redis.port());
                RawConnection c = new RawConnection(ours.port())) {
            String[][] writes = {
                {"SET", "shared", "123"}, {"SET", "small", "-5"}, {"SET", "int32", "100000"},
                {"SET", "long", "12345678901"}, {"SET", "huge", "12345678901234567890"}, {"SET", "empty", ""},
                {"SET", "text", "hello"}, {"SET", "embstr", "x".repeat(44)}, {"SET", "raw", "y".repeat(45)},
                {"SET", "lzf", "abcdefghij".repeat(30)}, {"SET", "noise", "q8Zt3kLp0vXa9Rm2NbW7cYe5HjU1sDf4GiO6"},
                {"APPEND", "appended", "12"}, {"APPEND", "appended", "3"}, {"SETRANGE", "ranged", "30", "z"},
                {"INCRBYFLOAT", "float", "1.5"},
            };
            for (String[] w : writes) {
                assertEquals(r.call(w), c.call(w), String.join(" ", w));
            }
            for (String key : List.of("shared", "small", "int32", "long", "huge", "empty", "text", "embstr", "raw",
                    "lzf", "noise", "appended", "ranged", "float")) {
                assertEquals(withoutAddress(r.call("DEBUG", "OBJECT", key)), withoutAddress(c.call("DEBUG", "OBJECT", key)),
                        key);
            }
            assertEquals(r.call("DEBUG", "OBJECT", "nokey"), c.call("DEBUG", "OBJECT", "nokey"));
            assertEquals(r.call("CONFIG", "SET", "rdbcompression", "no"), c.call("CONFIG", "SET", "rdbcompression", "no"));
            assertEquals(withoutAddress(r.call("DEBUG", "OBJECT", "lzf")), withoutAddress(c.call("DEBUG", "OBJECT", "lzf")));
            assertEquals(r.call("DEBUG", "SET-ACTIVE-EXPIRE", "0"), c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0"));
            assertEquals(r.call("DEBUG", "SET-ACTIVE-EXPIRE", "1"), c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1"));
            assertEquals(r.call("DEBUG", "OBJECT"), c.call("DEBUG", "OBJECT"));
            assertEquals(r.call("DEBUG", "SLEEP", "0", "1"), c.call("DEBUG", "SLEEP", "0", "1"));
        }
    }

    @Test
    void setActiveExpireZeroKeepsExpiredKeysUntilTouched() throws Exception {
        try (ServerProcess s = ServerProcess.cinnabar("--enable-debug-command", "yes");
                RawConnection c = new RawConnection(s.port())) {
            assertEquals("+OK\r\n", c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0"));
            for (int i = 0; i < 20; i++) {
                c.call("SET", "k" + i, "v", "PX", "50");
            }
            Thread.sleep(400);
            assertEquals(":20\r\n", c.call("DBSIZE"), "no active expiry");
            assertEquals("+OK\r\n", c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1"));
            long deadline = System.currentTimeMillis() + 5000;
            while (!c.call("DBSIZE").equals(":0\r\n") && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(":0\r\n", c.call("DBSIZE"));
        }
    }
}
