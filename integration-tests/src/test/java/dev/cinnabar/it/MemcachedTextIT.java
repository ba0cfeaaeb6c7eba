package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The memcached listener of the built JAR: the text protocol over a real socket, the one
 * keyspace shared with RESP clients, and the directives (memcached-port rebinding with CONFIG
 * SET, memcached-db, requirepass, maxclients, timeout).
 */
class MemcachedTextIT {
    /** A memcached text connection: writes raw bytes, reads until a reply ends as expected. */
    static final class Mc implements AutoCloseable {
        final Socket socket;
        final InputStream in;
        final OutputStream out;

        Mc(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        void send(String s) throws IOException {
            out.write(s.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /**
         * Reads until the text read so far ends with {@code end}. Requests are sent one at a
         * time, so whatever arrives belongs to the reply awaited.
         */
        String readUntil(String end) throws IOException {
            byte[] tail = end.getBytes(StandardCharsets.ISO_8859_1);
            byte[] have = new byte[1024];
            int n = 0;
            while (!endsWith(have, n, tail)) {
                if (n == have.length) {
                    have = java.util.Arrays.copyOf(have, n * 2);
                }
                int r = in.read(have, n, have.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            return new String(have, 0, n, StandardCharsets.ISO_8859_1);
        }

        private static boolean endsWith(byte[] have, int n, byte[] tail) {
            if (n < tail.length) {
                return false;
            }
            for (int i = 0; i < tail.length; i++) {
                if (have[n - tail.length + i] != tail[i]) {
                    return false;
                }
            }
            return true;
        }

        String call(String request, String end) throws IOException {
            send(request);
            return readUntil(end);
        }

        boolean closedByServer() throws IOException {
            try {
                return in.read() == -1;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static int memcachedPort(RawConnection redis) throws IOException {
        String r = redis.call("CONFIG", "GET", "memcached-port");
        String[] lines = r.split("\r\n");
        return Integer.parseInt(lines[lines.length - 1]);
    }

    @Test
    void textProtocolOnTheSharedKeyspace() throws Exception {
        int mport = ServerProcess.freePort();
        try (ServerProcess s = ServerProcess.cinnabar("--memcached-port", Integer.toString(mport));
                RawConnection redis = new RawConnection(s.port());
                Mc mc = new Mc(mport)) {
            assertEquals("STORED\r\n", mc.call("set greeting 42 0 5\r\nhello\r\n", "\r\n"));
            assertEquals("$5\r\nhello\r\n", redis.call("GET", "greeting"));
            assertEquals("VALUE greeting 42 5 1\r\nhello\r\nEND\r\n", mc.call("gets greeting\r\n", "END\r\n"));
            redis.call("SET", "greeting", "bonjour");
            assertEquals("VALUE greeting 0 7 2\r\nbonjour\r\nEND\r\n", mc.call("gets greeting\r\n", "END\r\n"));
            assertEquals("EXISTS\r\n", mc.call("cas greeting 0 0 2 1\r\nhi\r\n", "\r\n"));
            assertEquals("STORED\r\n", mc.call("cas greeting 0 0 2 2\r\nhi\r\n", "\r\n"));
            // a pipeline, sent in one write, answered in order
            assertEquals("STORED\r\n1\r\nVALUE n 0 1\r\n1\r\nEND\r\nDELETED\r\nEND\r\n",
                    mc.call("set n 0 0 1\r\n0\r\nincr n 1\r\nget n\r\ndelete n\r\nget n\r\n", "END\r\nDELETED\r\nEND\r\n"));
            // a value of close to a megabyte, written in pieces
            String big = "v".repeat(1_000_000);
            mc.send("set big 0 0 1000000\r\n" + big.substring(0, 300_000));
            Thread.sleep(50);
            mc.send(big.substring(300_000) + "\r\n");
            assertEquals("STORED\r\n", mc.readUntil("\r\n"));
            assertEquals(":1000000\r\n", redis.call("STRLEN", "big"));
            assertEquals("VALUE big 0 1000000\r\n" + big + "\r\nEND\r\n", mc.call("get big\r\n", "END\r\n"));
            mc.send("set huge 0 0 2000000\r\n");
            assertEquals("SERVER_ERROR object too large for cache\r\n", mc.readUntil("\r\n"));
            mc.send("x".repeat(2_000_000) + "\r\nversion\r\n");
            assertEquals("VERSION 1.6.18\r\n", mc.readUntil("\r\n"));
            assertEquals(":-1\r\n", redis.call("TTL", "big"));
            String info = redis.call("INFO", "memcached");
            assertTrue(info.contains("memcached_port:" + mport + "\r\n"), info);
            assertTrue(info.contains("memcached_connected_clients:1\r\n"), info);
            assertEquals("", mc.call("quit\r\n", "never"));
            assertTrue(mc.closedByServer());
        }
    }

    @Test
    void memcachedWritesReachTheAppendOnlyFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        int mport = ServerProcess.freePort();
        String[] args = {"--memcached-port", Integer.toString(mport), "--dir", dir.toString(), "--appendonly", "yes",
            "--appendfsync", "always"};
        long expiry;
        try (ServerProcess s = ServerProcess.cinnabar(args);
                Mc mc = new Mc(mport)) {
            assertEquals("STORED\r\nSTORED\r\nSTORED\r\nSTORED\r\n", mc.call(
                    "set plain 1 0 5\r\nhello\r\nset timed 0 1000 3\r\nabc\r\nset n 0 0 2\r\n10\r\nset gone 0 0 1\r\nx\r\n",
                    "STORED\r\nSTORED\r\nSTORED\r\nSTORED\r\n"));
            assertEquals("9\r\nSTORED\r\nDELETED\r\nTOUCHED\r\n",
                    mc.call("decr n 1\r\nappend plain 0 0 1\r\n!\r\ndelete gone\r\ntouch n 500\r\n", "TOUCHED\r\n"));
            try (RawConnection redis = new RawConnection(s.port())) {
                expiry = Long.parseLong(redis.call("PEXPIRETIME", "timed").substring(1).trim());
            }
        }
        try (ServerProcess s = ServerProcess.cinnabar(args).awaitReady(60_000);
                RawConnection redis = new RawConnection(s.port())) {
            assertEquals("$6\r\nhello!\r\n", redis.call("GET", "plain"));
            assertEquals("$2\r\n9 \r\n", redis.call("GET", "n"));
            assertEquals(":0\r\n", redis.call("EXISTS", "gone"));
            assertEquals(":" + expiry + "\r\n", redis.call("PEXPIRETIME", "timed"));
            long ttl = Long.parseLong(redis.call("TTL", "n").substring(1).trim());
            assertTrue(ttl > 400 && ttl <= 500, "ttl " + ttl);
            // flags and CAS uniques are not persisted: the item reads as flags 0
            try (Mc mc = new Mc(mport)) {
                assertEquals("VALUE plain 0 6\r\nhello!\r\nEND\r\n", mc.call("get plain\r\n", "END\r\n"));
            }
        }
    }

    @Test
    void configSetRebindsTheListener() throws Exception {
        int first = ServerProcess.freePort();
        try (ServerProcess s = ServerProcess.cinnabar("--memcached-port", Integer.toString(first), "--memcached-db", "2");
                RawConnection redis = new RawConnection(s.port())) {
            assertEquals(first, memcachedPort(redis));
            try (Mc mc = new Mc(first)) {
                assertEquals("STORED\r\n", mc.call("set k 0 0 1\r\nx\r\n", "\r\n"));
            }
            redis.call("SELECT", "2");
            assertEquals("$1\r\nx\r\n", redis.call("GET", "k"));
            int second = ServerProcess.freePort();
            assertEquals("+OK\r\n", redis.call("CONFIG", "SET", "memcached-port", Integer.toString(second)));
            assertThrows(ConnectException.class, () -> new Mc(first).close());
            try (Mc mc = new Mc(second)) {
                assertEquals("VALUE k 0 1\r\nx\r\nEND\r\n", mc.call("get k\r\n", "END\r\n"));
            }
            // a port that is taken is refused, and the old one stays
            try (java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
                String r = redis.call("CONFIG", "SET", "memcached-port", Integer.toString(taken.getLocalPort()));
                assertTrue(r.startsWith("-ERR CONFIG SET failed"), r);
            }
            assertEquals(second, memcachedPort(redis));
            try (Mc mc = new Mc(second)) {
                assertEquals("VERSION 1.6.18\r\n", mc.call("version\r\n", "\r\n"));
            }
            assertEquals("+OK\r\n", redis.call("CONFIG", "SET", "memcached-port", "0"));
            assertThrows(ConnectException.class, () -> new Mc(second).close());
        }
    }

    @Test
    void requirepassTimeoutAndMaxclientsApply() throws Exception {
        int mport = ServerProcess.freePort();
        try (ServerProcess s = ServerProcess.cinnabar("--memcached-port", Integer.toString(mport),
                "--requirepass", "sekret");
                RawConnection redis = new RawConnection(s.port())) {
            redis.call("AUTH", "sekret");
            try (Mc mc = new Mc(mport)) {
                assertEquals("CLIENT_ERROR unauthenticated\r\n", mc.call("get a\r\n", "\r\n"));
                assertEquals("CLIENT_ERROR authentication failure\r\n", mc.call("set a 0 0 9\r\nuser nope\r\n", "\r\n"));
                assertEquals("STORED\r\n", mc.call("set a 0 0 11\r\nuser sekret\r\n", "\r\n"));
                assertEquals("END\r\n", mc.call("get a\r\n", "END\r\n"));
            }
            redis.call("CONFIG", "SET", "maxclients", "1");
            try (Mc mc = new Mc(mport)) {
                assertEquals("ERROR Too many open connections\r\n", mc.readUntil("\r\n"));
                assertTrue(mc.closedByServer());
            }
            redis.call("CONFIG", "SET", "maxclients", "100");
            redis.call("CONFIG", "SET", "timeout", "1");
            try (Mc mc = new Mc(mport)) {
                assertEquals("CLIENT_ERROR unauthenticated\r\n", mc.call("version\r\n", "\r\n"));
                // Closed by a cron run a busy machine may delay: the wait ends as soon as it is.
                mc.socket.setSoTimeout(15_000);
                assertTrue(mc.closedByServer(), "an idle memcached client is closed after timeout");
            }
        }
    }
}
