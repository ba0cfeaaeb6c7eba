package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerProcess;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Without maxmemory, a server on a small heap refuses writes with -OOM before the heap runs out
 * ({@code heap-reserve}), and a request too big for what is left fails alone: the server does
 * not die of OutOfMemoryError and keeps serving reads, deletes and, once there is room, writes.
 * Many clients whose big requests are in flight at once are bounded together: past the bound
 * the client holding the most is closed, and the server stays up.
 */
class HeapGuardIT {
    private static final String OOM = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";
    private static final String MEGABYTE = "x".repeat(1024 * 1024);

    private static ServerProcess smallHeap() throws IOException {
        int port = ServerProcess.freePort();
        List<String> cmd = new ArrayList<>(List.of(ServerProcess.javaBinary(), "-Xmx128m", "-jar", ServerProcess.jar(),
                "--port", Integer.toString(port), "--save", ""));
        return ServerProcess.start("cinnabar", cmd, port);
    }

    @Test
    void writesAreRefusedBeforeTheHeapRunsOut() throws Exception {
        try (ServerProcess s = smallHeap(); RawConnection c = new RawConnection(s.port())) {
            String reply = "";
            int stored = 0;
            while (!reply.equals(OOM)) {
                assertTrue(stored < 200, "128 MB of heap took " + stored + " values of 1 MB");
                reply = c.call("SET", "big:" + stored, MEGABYTE);
                if (reply.equals("+OK\r\n")) {
                    stored++;
                } else {
                    assertEquals(OOM, reply);
                }
            }
            assertTrue(stored >= 40, "refused after only " + stored + " MB");
            // Reads, deletes and commands that do not grow the dataset still work.
            assertEquals("$" + MEGABYTE.length() + "\r\n" + MEGABYTE + "\r\n", c.call("GET", "big:0"));
            assertEquals(":" + stored + "\r\n", c.call("DBSIZE"));
            assertEquals("+PONG\r\n", c.call("PING"));
            for (int i = 0; i < 20; i++) {
                assertEquals(":1\r\n", c.call("DEL", "big:" + i));
            }
            assertEquals("+OK\r\n", c.call("SET", "small", "1"));
            assertTrue(c.call("INFO", "memory").contains("used_memory:"));
        }
    }

    @Test
    void aRequestBiggerThanTheHeapFailsAlone() throws Exception {
        try (ServerProcess s = smallHeap()) {
            // One MSET of 200 values of 1 MB: more than the whole heap.
            try (RawConnection c = new RawConnection(s.port())) {
                c.timeout(60_000);
                String[] mset = new String[1 + 2 * 200];
                mset[0] = "MSET";
                for (int i = 0; i < 200; i++) {
                    mset[1 + 2 * i] = "huge:" + i;
                    mset[2 + 2 * i] = MEGABYTE;
                }
                String reply;
                try {
                    c.send(mset);
                    reply = c.readReply();
                } catch (IOException closed) {
                    // The server may drop the connection while the request is still arriving.
                    reply = "(closed)";
                }
                assertTrue(reply.equals(OOM) || reply.equals("(closed)"), reply);
            }
            try (RawConnection c = new RawConnection(s.port())) {
                assertEquals("+PONG\r\n", c.call("PING"));
                assertEquals("+OK\r\n", c.call("FLUSHALL"));
                assertEquals("+OK\r\n", c.call("SET", "after", "1"));
                assertEquals("$1\r\n1\r\n", c.call("GET", "after"));
            }
            assertTrue(s.process().isAlive(), s::exitReport);
        }
    }

    @Test
    void manyClientsSendingBigRequestsAtOnceCannotTakeTheServerDown() throws Exception {
        try (ServerProcess s = smallHeap()) {
            String value = "v".repeat(100_000);
            int clients = 20;
            int outcomes = 0;
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                // Four rounds of 20 concurrent MSETs of 10 MB each: 200 MB in flight per round
                // into a heap of 128 MB that keeps what the earlier rounds stored.
                for (int round = 0; round < 4; round++) {
                    List<Future<String>> replies = new ArrayList<>();
                    for (int i = 0; i < clients; i++) {
                        int client = i;
                        int r = round;
                        replies.add(pool.submit(() -> {
                            String[] mset = new String[1 + 2 * 100];
                            mset[0] = "MSET";
                            for (int k = 0; k < 100; k++) {
                                mset[1 + 2 * k] = "r" + r + ":c" + client + ":" + k;
                                mset[2 + 2 * k] = value;
                            }
                            try (RawConnection c = new RawConnection(s.port())) {
                                c.timeout(120_000);
                                c.send(mset);
                                return c.readReply();
                            } catch (IOException closed) {
                                return "(closed)";
                            }
                        }));
                    }
                    for (Future<String> f : replies) {
                        String reply = f.get(180, TimeUnit.SECONDS);
                        assertTrue(reply.equals("+OK\r\n") || reply.equals(OOM) || reply.equals("(closed)"), reply);
                        outcomes++;
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(4 * clients, outcomes);
            assertTrue(s.process().isAlive(), s::exitReport);
            try (RawConnection c = new RawConnection(s.port())) {
                assertEquals("+PONG\r\n", c.call("PING"));
                assertEquals("+OK\r\n", c.call("FLUSHALL"));
                assertEquals("+OK\r\n", c.call("SET", "after", "1"));
                assertEquals("$1\r\n1\r\n", c.call("GET", "after"));
                assertTrue(c.call("INFO", "stats").matches("(?s).*evicted_clients:[1-9].*"), "clients were closed");
            }
        }
    }

    @Test
    void aScriptOrAStoreBiggerThanTheHeapFailsAlone() throws Exception {
        try (ServerProcess s = smallHeap(); RawConnection c = new RawConnection(s.port())) {
            c.timeout(120_000);
            // A Lua table that grows until the heap runs out: the script fails, as Redis's does
            // when its allocator gives up, with the error Lua raises.
            String lua = c.call("EVAL", "local t = {} for i = 1, 1e9 do t[i] = string.rep('x', 100) .. i end return 1", "0");
            assertTrue(lua.startsWith("-ERR user_script:1: not enough memory"), lua);
            // Two sets of 300k members, then unions of them kept until the heap is full.
            assertEquals(":1\r\n", c.call("EVAL", "for i = 1, 300000, 1000 do local a = {} for j = i, i + 999 do "
                    + "a[#a + 1] = 'member:' .. j end redis.call('sadd', 's1', unpack(a)) redis.call('sadd', 's2', unpack(a)) end "
                    + "return 1", "0"));
            String reply = "";
            int stored = 0;
            while (!reply.equals(OOM)) {
                assertTrue(stored < 40, "128 MB of heap took " + stored + " sets of 300k members");
                reply = c.call("SUNIONSTORE", "union:" + stored, "s1", "s2");
                if (reply.equals(":300000\r\n")) {
                    stored++;
                } else {
                    assertEquals(OOM, reply);
                }
            }
            assertTrue(stored >= 1, "no union fit");
            assertEquals(":300000\r\n", c.call("SCARD", "union:0"));
            assertEquals("+PONG\r\n", c.call("PING"));
            assertTrue(s.process().isAlive(), s::exitReport);
        }
    }
}
