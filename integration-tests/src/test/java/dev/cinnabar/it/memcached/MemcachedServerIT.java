package dev.cinnabar.it.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.Waits;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The memcached listener as part of the server: items in the configured database, eviction under
 * maxmemory covering memcached's items (memcached's LRU is allkeys-lru here), memcached's
 * out-of-memory errors under noeviction, and INFO's memcached section counting what memcached's
 * own stats count.
 */
class MemcachedServerIT {

    @Test
    void itemsLiveInMemcachedDb() throws Exception {
        try (McServers.Cinnabar s = McServers.cinnabar("--memcached-db", "3")) {
            net.spy.memcached.MemcachedClient c = MemcachedClientsIT.spy(false, s.memcachedPort);
            try (Jedis j = new Jedis("127.0.0.1", s.respPort())) {
                assertTrue(c.set("in3", 0, "three").get());
                assertEquals(0L, j.dbSize());
                j.select(3);
                assertEquals("three", j.get("in3"));
                j.set("resp3", "r");
                assertEquals("r", c.get("resp3"));
                j.select(0);
                j.set("resp0", "zero");
                assertNull(c.get("resp0"));
                // flush_all empties the memcached database only
                assertTrue(c.flush().get());
                assertEquals("zero", j.get("resp0"));
                j.select(3);
                assertEquals(0L, j.dbSize());
            } finally {
                c.shutdown(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void evictionUnderMaxmemoryCoversMemcachedItems() throws Exception {
        try (McServers.Cinnabar s = McServers.cinnabar("--maxmemory", "20mb", "--maxmemory-policy", "allkeys-lru")) {
            int n = 60_000;
            fill(s.memcachedPort, n, 1000);
            try (Jedis j = new Jedis("127.0.0.1", s.respPort())) {
                // Eviction may go on in the cron's slices for a moment after the last write:
                // compare the figures once it has stopped.
                // (A busy machine may hold those slices back for a while: stopped means under the limit too.)
                long last = -1;
                for (int tries = 0; tries < 50 && (j.dbSize() != last
                        || Long.parseLong(Waits.field(j.info("memory"), "used_memory")) > 22L * 1024 * 1024); tries++) {
                    last = j.dbSize();
                    Thread.sleep(200);
                }
                long used = Long.parseLong(Waits.field(j.info("memory"), "used_memory"));
                assertTrue(used <= 22L * 1024 * 1024, "used_memory " + used);
                long evicted = Long.parseLong(Waits.field(j.info("stats"), "evicted_keys"));
                assertTrue(evicted > n / 2, "evicted " + evicted);
                assertTrue(j.dbSize() < n && j.dbSize() > 1000, "dbsize " + j.dbSize());
                long keysBefore = j.dbSize();
                Map<String, String> stats = stats(s.memcachedPort, "");
                // At the limit any command may evict a key or two first (its own buffers count
                // in used_memory, as in Redis): memcached's figure falls between two reads of INFO's.
                long evictedAfter = Long.parseLong(Waits.field(j.info("stats"), "evicted_keys"));
                long memcachedEvictions = Long.parseLong(stats.get("evictions"));
                assertTrue(memcachedEvictions >= evicted && memcachedEvictions <= evictedAfter,
                        "evictions " + memcachedEvictions + " against evicted_keys " + evicted + ".." + evictedAfter);
                long items = Long.parseLong(stats.get("curr_items"));
                long keysAfter = j.dbSize();
                assertTrue(items <= keysBefore && items >= keysAfter,
                        "curr_items " + items + " against dbsize " + keysBefore + ".." + keysAfter);
            }
            // the newest items are there
            net.spy.memcached.MemcachedClient c = MemcachedClientsIT.spy(true, s.memcachedPort);
            try {
                assertEquals(1000, ((String) c.get("fill:" + (n - 1))).length());
            } finally {
                c.shutdown(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void noevictionAnswersMemcachedsOutOfMemory() throws Exception {
        try (McServers.Cinnabar s = McServers.cinnabar("--maxmemory", "4mb", "--maxmemory-policy", "noeviction")) {
            try (Socket sock = new Socket("127.0.0.1", s.memcachedPort)) {
                sock.setSoTimeout(15_000);
                OutputStream out = sock.getOutputStream();
                InputStream in = sock.getInputStream();
                String value = "v".repeat(10_000);
                String reply = null;
                for (int i = 0; i < 2000; i++) {
                    out.write(("set oom:" + i + " 0 0 10000\r\n" + value + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    reply = line(in);
                    if (!reply.equals("STORED")) {
                        break;
                    }
                }
                assertEquals("SERVER_ERROR out of memory storing object", reply);
                // reads still work, and a delete frees room
                out.write("get oom:0\r\n".getBytes(StandardCharsets.US_ASCII));
                assertTrue(line(in).startsWith("VALUE oom:0 0 10000"));
                assertEquals(value, line(in));
                assertEquals("END", line(in));
                out.write("incr oom:0 1\r\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("CLIENT_ERROR cannot increment or decrement non-numeric value", line(in));
                out.write("delete oom:0\r\ndelete oom:1\r\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("DELETED", line(in));
                assertEquals("DELETED", line(in));
                out.write(("set again 0 0 5\r\nhello\r\n").getBytes(StandardCharsets.US_ASCII));
                assertEquals("STORED", line(in));
            }
        }
    }

    @Test
    void infoCountsWhatStatsCounts() throws Exception {
        try (McServers.Cinnabar s = McServers.cinnabar()) {
            try (Socket sock = new Socket("127.0.0.1", s.memcachedPort)) {
                sock.setSoTimeout(15_000);
                OutputStream out = sock.getOutputStream();
                InputStream in = sock.getInputStream();
                out.write("set a 0 0 1\r\nx\r\nget a\r\nget b\r\nget a b\r\ndelete a\r\ndelete a\r\nincr n 1\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                for (String expected : new String[] {"STORED", "VALUE a 0 1", "x", "END", "END", "VALUE a 0 1", "x", "END",
                    "DELETED", "NOT_FOUND", "NOT_FOUND"}) {
                    assertEquals(expected, line(in));
                }
            }
            Map<String, String> stats = stats(s.memcachedPort, "");
            try (Jedis j = new Jedis("127.0.0.1", s.respPort())) {
                String info = j.info("memcached");
                for (String f : new String[] {"cmd_get", "cmd_set", "get_hits", "get_misses", "delete_hits",
                    "delete_misses", "incr_misses"}) {
                    assertEquals(stats.get(f), Waits.field(info, "memcached_" + f), f + " in\n" + info);
                }
                assertEquals("4", stats.get("cmd_get"));
                assertEquals("2", stats.get("get_hits"));
                assertEquals("2", stats.get("get_misses"));
                assertFalse(j.info().contains("# Memcached"), "the section is not in INFO's default set");
                assertTrue(j.info("everything").contains("# Memcached"));
            }
        }
    }

    private static void fill(int port, int n, int size) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 1 << 16);
            String value = "v".repeat(size);
            for (int i = 0; i < n; i++) {
                out.write(("set fill:" + i + " 0 0 " + size + " noreply\r\n" + value + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
            }
            out.write("version\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertTrue(line(s.getInputStream()).startsWith("VERSION "));
        }
    }

    static Map<String, String> stats(int port, String sub) throws IOException {
        Map<String, String> m = new HashMap<>();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(15_000);
            s.getOutputStream().write(("stats " + sub + "\r\n").getBytes(StandardCharsets.US_ASCII));
            String l;
            while (!(l = line(s.getInputStream())).equals("END")) {
                String[] p = l.split(" ", 3);
                m.put(p[1], p.length > 2 ? p[2] : "");
            }
        }
        return m;
    }

    static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }
}
