package dev.cinnabar.server.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.testing.EngineHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The text protocol, request by request, against replies recorded from memcached 1.6.18
 * ({@code memcached -p P -U 0 -t 1}); CAS uniques are those a fresh server gives.
 */
class TextProtocolTest {
    private EngineHarness h;
    private Client mc;

    @BeforeEach
    void setUp() {
        h = new EngineHarness();
        mc = h.memcachedClient();
    }

    private String send(String request) {
        return h.memcached(mc, request);
    }

    @Test
    void storageCommandsAndGets() {
        assertEquals("STORED\r\n", send("set a 0 0 3\r\nabc\r\n"));
        assertEquals("VALUE a 0 3\r\nabc\r\nEND\r\n", send("get a\r\n"));
        assertEquals("VALUE a 0 3 1\r\nabc\r\nEND\r\n", send("gets a\r\n"));
        assertEquals("NOT_STORED\r\n", send("add a 0 0 1\r\nx\r\n"));
        assertEquals("STORED\r\n", send("replace a 5 0 2\r\nxy\r\n"));
        assertEquals("VALUE a 5 2\r\nxy\r\nEND\r\n", send("get a b\r\n"));
        assertEquals("STORED\r\nSTORED\r\n", send("append a 0 0 2\r\nzz\r\nprepend a 9 0 2\r\nqq\r\n"));
        // append and prepend keep the item's flags
        assertEquals("VALUE a 5 6 4\r\nqqxyzz\r\nEND\r\n", send("gets a\r\n"));
        assertEquals("NOT_STORED\r\nNOT_STORED\r\nNOT_STORED\r\n",
                send("replace b 0 0 1\r\nx\r\nappend b 0 0 1\r\nx\r\nprepend b 0 0 1\r\nx\r\n"));
        assertEquals("STORED\r\n", send("add b 4294967297 0 1\r\nx\r\n"));
        // flags are read as memcached reads them: 64 bits, of which 32 are kept
        assertEquals("VALUE b 1 1\r\nx\r\nEND\r\n", send("get b\r\n"));
    }

    @Test
    void casUniques() {
        send("set a 0 0 1\r\nx\r\n");
        assertEquals("VALUE a 0 1 1\r\nx\r\nEND\r\n", send("gets a\r\n"));
        assertEquals("VALUE a 0 1 1\r\nx\r\nEND\r\n", send("gets a\r\n"));
        assertEquals("EXISTS\r\n", send("cas a 0 0 1 2\r\ny\r\n"));
        assertEquals("EXISTS\r\n", send("cas a 0 0 1 0\r\ny\r\n"));
        assertEquals("STORED\r\n", send("cas a 0 0 1 1\r\ny\r\n"));
        assertEquals("VALUE a 0 1 2\r\ny\r\nEND\r\n", send("gets a\r\n"));
        assertEquals("NOT_FOUND\r\n", send("cas zz 0 0 1 5\r\nx\r\n"));
        assertEquals("ERROR\r\nERROR\r\n", send("cas a 0 0 1\r\nx\r\n"));
    }

    @Test
    void aWriteFromRedisChangesTheCasAndClearsTheFlags() {
        send("set a 7 0 1\r\nx\r\n");
        assertEquals("VALUE a 7 1 1\r\nx\r\nEND\r\n", send("gets a\r\n"));
        assertEquals("$1\r\nx\r\n", h.call("GET", "a"));
        h.call("SET", "a", "hello");
        assertEquals("VALUE a 0 5 2\r\nhello\r\nEND\r\n", send("gets a\r\n"));
        assertEquals("VALUE a 0 5 2\r\nhello\r\nEND\r\n", send("gets a\r\n"));
        h.call("APPEND", "a", "!");
        assertEquals("VALUE a 0 6 3\r\nhello!\r\nEND\r\n", send("gets a\r\n"));
        // A key of another type is no item.
        h.call("RPUSH", "l", "x");
        assertEquals("END\r\n", send("get l\r\n"));
        assertEquals("NOT_STORED\r\n", send("add l 0 0 1\r\nx\r\n"));
        assertEquals("NOT_FOUND\r\n", send("delete l\r\n"));
        assertEquals("STORED\r\n", send("set l 0 0 1\r\nx\r\n"));
        assertEquals("$1\r\nx\r\n", h.call("GET", "l"));
    }

    @Test
    void integersStoredAsIntegersReadBackAsText() {
        send("set n 0 0 5\r\n12345\r\n");
        assertEquals("$3\r\nint\r\n", h.call("OBJECT", "ENCODING", "n"));
        assertEquals("VALUE n 0 5\r\n12345\r\nEND\r\n", send("get n\r\n"));
    }

    @Test
    void incrAndDecr() {
        send("set n 0 0 2\r\n10\r\n");
        assertEquals("9\r\n", send("decr n 1\r\n"));
        // memcached writes a shorter result over the old one, padded with spaces
        assertEquals("VALUE n 0 2\r\n9 \r\nEND\r\n", send("get n\r\n"));
        String items = stat(mc, "total_items");
        assertEquals("109\r\n", send("incr n 100\r\n"));
        // a longer result is a new item for memcached: total_items counts it
        assertEquals(Integer.parseInt(items.trim()) + 1 + "\r\n", stat(mc, "total_items"));
        assertEquals("VALUE n 0 3\r\n109\r\nEND\r\n", send("get n\r\n"));
        assertEquals("0\r\n", send("decr n 1000\r\n"));
        send("set m 0 0 20\r\n18446744073709551615\r\n");
        assertEquals("0\r\n", send("incr m 1\r\n"));
        assertEquals("CLIENT_ERROR invalid numeric delta argument\r\n", send("incr m 18446744073709551616\r\n"));
        assertEquals("CLIENT_ERROR invalid numeric delta argument\r\n", send("incr m -1\r\n"));
        assertEquals("", send("incr m 1 noreply\r\n"));
        assertEquals("2\r\n", send("incr m 1 extra\r\n"));
        assertEquals("NOT_FOUND\r\n", send("incr nope 1\r\n"));
        send("set s 0 0 3\r\n12a\r\n");
        assertEquals("CLIENT_ERROR cannot increment or decrement non-numeric value\r\n", send("incr s 1\r\n"));
        send("set s 0 0 3\r\n 12\r\n");
        assertEquals("13\r\n", send("incr s 1\r\n"));
        send("set s 0 0 2\r\n-1\r\n");
        assertEquals("CLIENT_ERROR cannot increment or decrement non-numeric value\r\n", send("incr s 1\r\n"));
        send("set s 0 0 0\r\n\r\n");
        assertEquals("CLIENT_ERROR cannot increment or decrement non-numeric value\r\n", send("incr s 1\r\n"));
        assertEquals("ERROR\r\n", send("decr s\r\n"));
    }

    @Test
    void deleteAndTouch() {
        send("set a 0 0 1\r\nx\r\n");
        assertEquals("CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]\r\n", send("delete a 1\r\n"));
        assertEquals("", send("delete a x noreply\r\n"));
        assertEquals("DELETED\r\n", send("delete a 0\r\n"));
        assertEquals("NOT_FOUND\r\n", send("delete a\r\n"));
        assertEquals("", send("delete a noreply\r\n"));
        send("set a 0 0 1\r\nx\r\n");
        assertEquals("TOUCHED\r\n", send("touch a 100\r\n"));
        assertEquals(":100\r\n", h.call("TTL", "a"));
        assertEquals("CLIENT_ERROR invalid exptime argument\r\n", send("touch a x\r\n"));
        assertEquals("NOT_FOUND\r\n", send("touch b 1\r\n"));
        assertEquals("TOUCHED\r\n", send("touch a 0\r\n"));
        assertEquals(":-1\r\n", h.call("TTL", "a"));
        assertEquals("TOUCHED\r\n", send("touch a -1\r\n"));
        assertEquals("END\r\n", send("get a\r\n"));
    }

    @Test
    void expiry() {
        send("set a 0 10 1\r\nx\r\n");
        assertEquals(":10\r\n", h.call("TTL", "a"));
        h.clock.advance(10_001);
        assertEquals("END\r\n", send("get a\r\n"));
        assertEquals("STORED\r\n", send("set a 0 -1 1\r\nx\r\n"));
        assertEquals("END\r\n", send("get a\r\n"));
        // stored, counted, and found expired by the first read, as memcached's
        assertEquals("2\r\n", stat(mc, "get_expired")); // this one and the one that timed out
        long abs = h.clock.millis() / 1000 + 100;
        send("set b 0 " + abs + " 1\r\nx\r\n");
        assertEquals(":100\r\n", h.call("TTL", "b"));
        send("set c 0 " + (h.clock.millis() / 1000 - 1) + " 1\r\nx\r\n");
        assertEquals("END\r\n", send("get c\r\n"));
        send("set d 0 0 1\r\nx\r\n");
        assertEquals("VALUE d 0 1\r\nx\r\nEND\r\n", send("gat 50 d\r\n"));
        assertEquals(":50\r\n", h.call("TTL", "d"));
        assertEquals("VALUE d 0 1 5\r\nx\r\nEND\r\n", send("gats -1 d\r\n"));
        assertEquals("END\r\n", send("get d\r\n"));
        assertEquals("CLIENT_ERROR invalid exptime argument\r\n", send("gat x d\r\n"));
        assertEquals("END\r\n", send("gat 100\r\n"));
    }

    @Test
    void errors() {
        assertEquals("ERROR\r\nERROR\r\nERROR\r\nERROR\r\nERROR\r\n", send("\r\nx\r\nGET a\r\nget\r\nfoo\r\n"));
        assertEquals("CLIENT_ERROR bad command line format\r\n", send("set c 0 0 x\r\n"));
        assertEquals("ERROR\r\n", send("set d 1 2\r\n"));
        assertEquals("CLIENT_ERROR bad command line format\r\n", send("set d 0 0 -1\r\n"));
        String longKey = "k".repeat(251);
        assertEquals("CLIENT_ERROR bad command line format\r\n", send("get a " + longKey + "\r\n"));
        assertEquals("CLIENT_ERROR bad command line format\r\n", send("set " + longKey + " 0 0 1\r\n"));
        // the data block of a refused line is read as commands, as memcached reads it
        assertEquals("ERROR\r\n", send("x\r\n"));
        assertEquals("CLIENT_ERROR bad data chunk\r\nERROR\r\n", send("set a 0 0 1\r\nxyz\r\n"));
        assertEquals("ERROR\r\n", send("set a 0 0 2 noreply\r\nabc\r\n"));
        assertEquals("VERSION 1.6.18\r\n", send("version\r\n"));
        assertEquals("OK\r\n", send("verbosity 1\r\n"));
        assertEquals("", send("verbosity 1 noreply\r\n"));
        assertEquals("CLIENT_ERROR bad command line format\r\n", send("verbosity x\r\n"));
        assertEquals("ERROR\r\n", send("verbosity\r\n"));
        assertEquals("ERROR: shutdown not enabled\r\n", send("shutdown\r\n"));
        assertEquals("CLIENT_ERROR watch commands not allowed\r\n", send("watch\r\n"));
    }

    @Test
    void noreplySilencesStorage() {
        assertEquals("", send("set a 0 0 1 noreply\r\nx\r\nadd a 0 0 1 noreply\r\ny\r\n"));
        assertEquals("VALUE a 0 1\r\nx\r\nEND\r\n", send("get a\r\n"));
        assertEquals("", send("set a 0 0 x noreply\r\n"));
    }

    @Test
    void dataArrivingInPieces() {
        assertEquals("", send("set a 0 0 10\r\n01234"));
        assertEquals("", send("56789\r"));
        assertEquals("STORED\r\n", send("\n"));
        assertEquals("VALUE a 0 10\r\n0123456789\r\nEND\r\n", send("get a\r\n"));
        assertEquals("", send("get "));
        assertEquals("VALUE a 0 10\r\n0123456789\r\nEND\r\n", send("a\r\n"));
    }

    @Test
    void tooLargeItemsAreRefusedAndTheirDataSwallowed() {
        send("set a 0 0 1\r\nx\r\n");
        String head = "set a 0 0 1048577\r\n";
        assertEquals("SERVER_ERROR object too large for cache\r\n", send(head + "x".repeat(1000)));
        assertEquals("", send("x".repeat(1047577)));
        assertEquals("VERSION 1.6.18\r\n", send("\r\nversion\r\n"));
        // a refused set deletes the old item, as memcached's does
        assertEquals("END\r\n", send("get a\r\n"));
        // the limit counts memcached's item header, key and flags: 1048515 bytes fit with a
        // one-byte key and no flags, not with flags
        assertEquals("STORED\r\n", send("set a 0 0 1048515\r\n" + "x".repeat(1048515) + "\r\n"));
        assertEquals("SERVER_ERROR object too large for cache\r\n",
                send("set a 1 0 1048515\r\n" + "x".repeat(1048515) + "\r\n"));
        h.call("CONFIG", "SET", "memcached-max-item-size", "2mb");
        assertEquals("STORED\r\n", send("set a 1 0 1048515\r\n" + "x".repeat(1048515) + "\r\n"));
    }

    @Test
    void multiGetPastTheTokenLimit() {
        StringBuilder keys = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            keys.append(" k").append(i);
            if (i % 3 == 0) {
                send("set k" + i + " " + i + " 0 1\r\nv\r\n");
                expected.append("VALUE k").append(i).append(' ').append(i).append(" 1\r\nv\r\n");
            }
        }
        assertEquals(expected + "END\r\n", send("get" + keys + "\r\n"));
        assertEquals("VALUE k0 0 1\r\nv\r\nEND\r\n", send("get   k0    nope  \r\n"));
    }

    @Test
    void aLineTooLongIsAnsweredAndSkipped() {
        String junk = "x".repeat(3000);
        assertEquals("CLIENT_ERROR line too long\r\n", send(junk));
        assertEquals("", send(junk));
        assertEquals("VERSION 1.6.18\r\n", send("yyy\r\nversion\r\n"));
        // get lines may be long
        send("set k 0 0 1\r\nv\r\n");
        assertEquals("VALUE k 0 1\r\nv\r\nEND\r\n", send("get " + "a ".repeat(2000) + "k\r\n"));
    }

    @Test
    void quitAndHttpClose() {
        assertEquals("", send("quit\r\n"));
        assertTrue(mc.isClosing());
        Client other = h.memcachedClient();
        assertEquals("", h.memcached(other, "version\r\nGET / HTTP/1.1\r\n"));
        assertTrue(other.isClosing());
        Client third = h.memcachedClient();
        assertEquals("VERSION 1.6.18\r\n", h.memcached(third, "version\r\n"));
        assertFalse(third.isClosing());
    }

    @Test
    void flushAll() {
        send("set a 0 0 1\r\nx\r\nset b 0 0 1\r\ny\r\n");
        assertEquals("OK\r\n", send("flush_all\r\n"));
        assertEquals("END\r\n", send("get a b\r\n"));
        assertEquals(":0\r\n", h.call("DBSIZE"));
        // other types are no items: they stay
        send("set a 0 0 1\r\nx\r\n");
        h.call("RPUSH", "l", "x");
        assertEquals("", send("flush_all noreply\r\n"));
        assertEquals(":1\r\n", h.call("DBSIZE"));
        send("set a 0 0 1\r\nx\r\n");
        assertEquals("OK\r\n", send("flush_all 10\r\n"));
        assertEquals("VALUE a 0 1\r\nx\r\nEND\r\n", send("get a\r\n"));
        h.clock.advance(9_000);
        assertEquals("END\r\n", send("get a\r\n"));
        assertEquals("CLIENT_ERROR invalid exptime argument\r\n", send("flush_all x\r\n"));
        assertEquals("OK\r\n", send("flush_all 0 0\r\n"));
        assertEquals("ERROR\r\n", send("flush_all 1 2 3\r\n"));
    }

    @Test
    void authenticationWithRequirepass() {
        h.call("CONFIG", "SET", "requirepass", "sekret");
        Client c = h.memcachedClient();
        // Before authentication memcached sends only the last answer of a read.
        assertEquals("CLIENT_ERROR unauthenticated\r\n", h.memcached(c, "version\r\nget a\r\n"));
        assertEquals("CLIENT_ERROR authentication failure\r\n", h.memcached(c, "set a 0 0 10\r\nfoo sekrex\r\n"));
        assertEquals("CLIENT_ERROR bad authentication token format\r\n", h.memcached(c, "set a 0 0 3\r\nfoo\r\n"));
        assertEquals("CLIENT_ERROR bad command line termination\r\n", h.memcached(c, "set a 0 0 1\r\nfo\r"));
        assertEquals("STORED\r\nVERSION 1.6.18\r\n", h.memcached(c, "set a 0 0 10\r\nfoo sekret\r\nversion\r\n"));
        assertEquals("1\r\n", stat(c, "auth_errors"));
        h.call("CONFIG", "SET", "requirepass", "");
    }

    @Test
    void aDefaultUserWithoutEveryPermissionKeepsMemcachedClientsOut() {
        // Memcached requests bypass the ACL checks: only a default user that could run them all may.
        h.call("ACL", "SETUSER", "default", "resetkeys", "~public:*");
        Client c = h.memcachedClient();
        assertEquals("CLIENT_ERROR unauthenticated\r\n", h.memcached(c, "get public:a\r\n"));
        assertEquals("CLIENT_ERROR authentication failure\r\n", h.memcached(c, "set a 0 0 7\r\nfoo bar\r\n"));
        h.call("ACL", "SETUSER", "default", "~*");
        Client again = h.memcachedClient();
        assertEquals("END\r\n", h.memcached(again, "get public:a\r\n"));
    }

    private String stat(Client c, String name) {
        String all = h.memcached(c, "stats\r\n");
        for (String line : all.split("\r\n")) {
            if (line.startsWith("STAT " + name + " ")) {
                return line.substring(6 + name.length()) + "\r\n";
            }
        }
        return null;
    }

    @Test
    void stats() {
        send("set a 0 0 1\r\nx\r\nget a\r\nget b\r\n");
        String all = send("stats\r\n");
        assertTrue(all.startsWith("STAT pid "), all);
        assertTrue(all.endsWith("STAT lru_bumps_dropped 0\r\nEND\r\n"), all);
        assertEquals("1\r\n", stat(mc, "get_hits"));
        assertEquals("1\r\n", stat(mc, "get_misses"));
        assertEquals("2\r\n", stat(mc, "cmd_get"));
        assertEquals("1\r\n", stat(mc, "cmd_set"));
        assertEquals("1\r\n", stat(mc, "curr_items"));
        assertEquals("1.6.18\r\n", stat(mc, "version"));
        assertEquals("RESET\r\n", send("stats reset\r\n"));
        assertEquals("0\r\n", stat(mc, "get_hits"));
        assertTrue(send("stats settings\r\n").contains("STAT item_size_max 1048576\r\n"));
        assertTrue(send("stats items\r\n").startsWith("STAT items:1:number 1\r\n"));
        assertTrue(send("stats slabs\r\n").endsWith("STAT active_slabs 1\r\nSTAT total_malloced " + h.server.keyspace().db(0).memory() + "\r\nEND\r\n"));
        assertTrue(send("stats conns\r\n").contains(":state conn_parse_cmd\r\n"));
        assertEquals("STAT sizes_status disabled\r\nEND\r\n", send("stats sizes\r\n"));
        assertEquals("CLIENT_ERROR usage: stats detail on|off|dump\r\n", send("stats detail\r\n"));
        assertEquals("OK\r\n", send("stats detail on\r\n"));
        assertEquals("CLIENT_ERROR bad command line\r\n", send("stats cachedump 1\r\n"));
        assertEquals("CLIENT_ERROR Illegal slab id\r\n", send("stats cachedump 99 1\r\n"));
        assertEquals("ERROR\r\n", send("stats foo\r\n"));
    }

    @Test
    void infoSection() {
        send("set a 0 0 1\r\nx\r\nget a\r\n");
        String info = h.call("INFO", "memcached");
        assertTrue(info.contains("# Memcached\r\n"), info);
        assertTrue(info.contains("memcached_get_hits:1\r\n"), info);
        assertTrue(info.contains("memcached_connected_clients:1\r\n"), info);
        // not in INFO all while no listener is configured
        assertFalse(h.call("INFO", "all").contains("# Memcached"));
        h.config.memcachedPort = 11211;
        assertTrue(h.call("INFO", "everything").contains("# Memcached"));
        assertFalse(h.call("INFO").contains("# Memcached"));
    }

    @Test
    void clientPauseHoldsMemcachedWrites() {
        send("set a 0 0 1\r\nx\r\n");
        h.call("CLIENT", "PAUSE", "100000", "WRITE");
        // reads go on; the first write waits, and what follows it with it
        assertEquals("VALUE a 0 1\r\nx\r\nEND\r\n", send("get a\r\n"));
        assertEquals("", send("set a 0 0 1\r\ny\r\nget a\r\n"));
        assertEquals("$1\r\nx\r\n", h.call("GET", "a"));
        h.call("CLIENT", "UNPAUSE");
        h.engine.runReleasedClients();
        assertEquals("STORED\r\nVALUE a 0 1\r\ny\r\nEND\r\n", h.drain(mc));
        h.call("CLIENT", "PAUSE", "100000", "ALL");
        assertEquals("", send("get a\r\n"));
        h.server.clients().pause().unpause(); // CLIENT UNPAUSE would be held too
        h.engine.runReleasedClients();
        assertEquals("VALUE a 0 1\r\ny\r\nEND\r\n", h.drain(mc));
    }

    @Test
    void maxmemoryRefusesStoresAsMemcachedDoesWhenFull() {
        send("set a 0 0 1\r\n5\r\n");
        h.call("CONFIG", "SET", "maxmemory", "1");
        assertEquals("SERVER_ERROR out of memory storing object\r\n", send("set b 0 0 1\r\nx\r\n"));
        assertEquals("SERVER_ERROR out of memory\r\n", send("incr a 1\r\n"));
        // reads, deletes and touches go on
        assertEquals("VALUE a 0 1\r\n5\r\nEND\r\n", send("get a\r\n"));
        assertEquals("TOUCHED\r\n", send("touch a 100\r\n"));
        assertEquals("DELETED\r\n", send("delete a\r\n"));
        assertEquals("1\r\n", stat(mc, "store_no_memory"));
        h.call("CONFIG", "SET", "maxmemory", "0");
        assertEquals("STORED\r\n", send("set b 0 0 1\r\nx\r\n"));
    }

    @Test
    void aBusyServerRefusesReadsAndWrites() {
        send("set a 0 0 1\r\nx\r\n");
        h.server.busy().begin(h.client, dev.cinnabar.server.client.BusyState.SCRIPT);
        try {
            String busy = "SERVER_ERROR BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n";
            assertEquals(busy, send("get a\r\n"));
            assertEquals(busy, send("set a 0 0 1\r\ny\r\n"));
            assertEquals(busy, send("delete a\r\n"));
            assertEquals("VERSION 1.6.18\r\n", send("version\r\n"));
        } finally {
            h.server.busy().end();
        }
        assertEquals("VALUE a 0 1\r\nx\r\nEND\r\n", send("get a\r\n"));
    }

    @Test
    void asyncLoadingServesRequestsAsItServesCommands() {
        send("set a 0 0 1\r\nx\r\n");
        h.server.busy().begin(null, dev.cinnabar.server.client.BusyState.ASYNC_LOADING);
        try {
            assertEquals("VALUE a 0 1\r\nx\r\nEND\r\n", send("get a\r\n"));
            assertEquals("STORED\r\n", send("set a 0 0 1\r\ny\r\n"));
        } finally {
            h.server.busy().end();
        }
        assertEquals("VALUE a 0 1\r\ny\r\nEND\r\n", send("get a\r\n"));
    }

    @Test
    void memcachedDbDirective() {
        h.call("CONFIG", "SET", "memcached-db", "3");
        send("set a 0 0 1\r\nx\r\n");
        assertEquals("$-1\r\n", h.call("GET", "a"));
        h.call("SELECT", "3");
        assertEquals("$1\r\nx\r\n", h.call("GET", "a"));
        assertEquals("*2\r\n$12\r\nmemcached-db\r\n$1\r\n3\r\n", h.call("CONFIG", "GET", "memcached-db"));
        assertEquals("-ERR CONFIG SET failed (possibly related to argument 'memcached-db') - argument must be a database"
                + " index, less than 16\r\n", h.call("CONFIG", "SET", "memcached-db", "16"));
        assertEquals("*2\r\n$12\r\nmemcached-db\r\n$1\r\n3\r\n", h.call("CONFIG", "GET", "memcached-db"));
    }
}
