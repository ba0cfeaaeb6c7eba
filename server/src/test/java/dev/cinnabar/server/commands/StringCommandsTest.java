package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.value.StringType;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.testing.BoxType;
import dev.cinnabar.server.testing.EngineHarness;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** GET, SET with all its options, and the other commands that read or replace a whole value. */
class StringCommandsTest {
    static final String WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
    static final String SYNTAX = "-ERR syntax error\r\n";
    static final String NOT_INTEGER = "-ERR value is not an integer or out of range\r\n";
    static final String NIL = "$-1\r\n";
    static final String OK = "+OK\r\n";

    private final EngineHarness h = new EngineHarness();
    private final Db db = h.server.keyspace().db(0);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A key holding a value of another type; no other type exists yet, any non-string object will do. */
    private void putList(String key) {
        db.setKey(b(key), BoxType.box(), false);
    }

    private long now() {
        return h.clock.millis();
    }

    private String encoding(String key) {
        return StringType.TYPE.encoding(db.entry(b(key)).value());
    }

    @Test
    void setThenGet() {
        assertEquals(OK, h.call("SET", "k", "v"));
        assertEquals("$1\r\nv\r\n", h.call("get", "k"));
        assertEquals(NIL, h.call("GET", "missing"));
        assertEquals(OK, h.call("SET", "k", ""));
        assertEquals("$0\r\n\r\n", h.call("GET", "k"));
    }

    @Test
    void getOfAnotherTypeIsWrongType() {
        putList("l");
        assertEquals(WRONGTYPE, h.call("GET", "l"));
    }

    @Test
    void getRepliesIntegerAndRawValuesAsText() {
        h.call("SET", "n", "-9223372036854775808");
        assertEquals("$20\r\n-9223372036854775808\r\n", h.call("GET", "n"));
        h.call("APPEND", "r", "abc");
        h.call("APPEND", "r", "def");
        assertEquals("$6\r\nabcdef\r\n", h.call("GET", "r"));
    }

    @Test
    void nullIsUnderscoreInResp3() {
        h.client.reply.protocol(3);
        assertEquals("_\r\n", h.call("GET", "missing"));
        assertEquals("*2\r\n_\r\n_\r\n", h.call("MGET", "a", "b"));
        assertEquals("_\r\n", h.call("SET", "k", "v", "XX"));
    }

    @Test
    void setStoresTheEncodingsRedisChooses() {
        h.call("SET", "k", "123");
        assertEquals("int", encoding("k"));
        h.call("SET", "k", "-9223372036854775808");
        assertEquals("int", encoding("k"));
        h.call("SET", "k", "9223372036854775808");
        assertEquals("embstr", encoding("k"));
        h.call("SET", "k", "12345678901234567890");
        assertEquals("embstr", encoding("k"));
        h.call("SET", "k", "0123");
        assertEquals("embstr", encoding("k"));
        h.call("SET", "k", "a".repeat(44));
        assertEquals("embstr", encoding("k"));
        h.call("SET", "k", "a".repeat(45));
        assertEquals("raw", encoding("k"));
        h.call("SET", "k", "");
        assertEquals("embstr", encoding("k"));
        h.call("SET", "k", "7");
        assertSame(StringType.fromLong(7), db.entry(b("k")).value());
    }

    @Test
    void conflictingOptionsAreSyntaxErrors() {
        assertEquals(SYNTAX, h.call("SET", "k", "v", "NX", "XX"));
        assertEquals(SYNTAX, h.call("SET", "k", "v", "xx", "nx"));
        assertEquals(SYNTAX, h.call("SET", "k", "v", "EX", "10", "PX", "100"));
        assertEquals(SYNTAX, h.call("SET", "k", "v", "PX", "10", "EXAT", "100"));
        assertEquals(SYNTAX, h.call("SET", "k", "v", "EXAT", "10", "PXAT", "100"));
        assertEquals(SYNTAX, h.call("SET", "k", "v", "KEEPTTL", "EX", "10"));
        assertEquals(SYNTAX, h.call("SET", "k", "v", "EX", "10", "KEEPTTL"));
        assertEquals(SYNTAX, h.call("SET", "k", "v", "EX"));
        assertEquals(SYNTAX, h.call("SET", "k", "v", "GET", "PX"));
        assertEquals(SYNTAX, h.call("SET", "k", "v", "PERSIST"));
        assertEquals(SYNTAX, h.call("SET", "k", "v", "foo"));
        assertEquals(NIL, h.call("GET", "k"));
        // Repeating an option is allowed, and the last expiry wins.
        assertEquals(OK, h.call("SET", "k", "v", "nx", "NX"));
        assertEquals(OK, h.call("SET", "k", "v", "EX", "10", "ex", "20"));
        assertEquals(now() + 20_000, db.expireAt(b("k")));
        assertEquals(OK, h.call("SET", "k", "v", "KEEPTTL", "keepttl"));
    }

    @Test
    void expiryTimesAreChecked() {
        String invalid = "-ERR invalid expire time in 'set' command\r\n";
        assertEquals(invalid, h.call("SET", "k", "v", "EX", "0"));
        assertEquals(invalid, h.call("SET", "k", "v", "EX", "-1"));
        assertEquals(invalid, h.call("SET", "k", "v", "PX", "0"));
        assertEquals(invalid, h.call("SET", "k", "v", "EXAT", "0"));
        assertEquals(invalid, h.call("SET", "k", "v", "PXAT", "-5"));
        assertEquals(invalid, h.call("SET", "k", "v", "EX", "9223372036854775807"));
        // Fits once multiplied by 1000, overflows once the current time is added.
        assertEquals(invalid, h.call("SET", "k", "v", "EX", "9223372036854775"));
        assertEquals(invalid, h.call("SET", "k", "v", "PX", "9223372036854775000"));
        assertEquals(invalid, h.call("SET", "k", "v", "EXAT", "9223372036854775807"));
        assertEquals(OK, h.call("SET", "k", "v", "PXAT", "9223372036854775807"));
        assertEquals(NOT_INTEGER, h.call("SET", "k", "v", "EX", "abc"));
        assertEquals(NOT_INTEGER, h.call("SET", "k", "v", "EX", "01"));
        assertEquals(NOT_INTEGER, h.call("SET", "k", "v", "EX", "+1"));
        assertEquals(NOT_INTEGER, h.call("SET", "k", "v", "EX", " 1"));
        assertEquals(NOT_INTEGER, h.call("SET", "k", "v", "EX", "1.5"));
        // The name in the message is the command's.
        assertEquals("-ERR invalid expire time in 'setex' command\r\n", h.call("SETEX", "k", "0", "v"));
        assertEquals("-ERR invalid expire time in 'psetex' command\r\n", h.call("PSETEX", "k", "-1", "v"));
        assertEquals("-ERR invalid expire time in 'getex' command\r\n", h.call("GETEX", "k", "EX", "0"));
    }

    @Test
    void setExpiryOptionsSetTheTtl() {
        h.call("SET", "k", "v", "EX", "100");
        assertEquals(now() + 100_000, db.expireAt(b("k")));
        h.call("SET", "k", "v", "PX", "1500");
        assertEquals(now() + 1500, db.expireAt(b("k")));
        h.call("SET", "k", "v", "EXAT", "1800000000");
        assertEquals(1_800_000_000_000L, db.expireAt(b("k")));
        h.call("SET", "k", "v", "PXAT", "1800000000123");
        assertEquals(1_800_000_000_123L, db.expireAt(b("k")));
        h.call("SET", "k", "w", "KEEPTTL");
        assertEquals(1_800_000_000_123L, db.expireAt(b("k")));
        h.call("SET", "k", "w", "GET", "KEEPTTL", "XX");
        assertEquals(1_800_000_000_123L, db.expireAt(b("k")));
        h.call("SET", "k", "x");
        assertEquals(-1, db.expireAt(b("k")));
    }

    @Test
    void setWithATimeInThePastStoresAKeyThatIsAlreadyGone() {
        assertEquals(OK, h.call("SET", "k", "v", "EXAT", "1"));
        assertEquals(1, db.size());
        assertEquals(NIL, h.call("GET", "k"));
        assertEquals(0, db.size());
        assertEquals(OK, h.call("SET", "k", "v", "PXAT", "1"));
        assertEquals(NIL, h.call("SET", "k", "w", "GET"));
        assertEquals("$1\r\nw\r\n", h.call("GET", "k"));
    }

    @Test
    void expiredKeysDisappear() {
        h.call("SET", "k", "v", "PX", "100");
        h.clock.advance(100);
        assertEquals("$1\r\nv\r\n", h.call("GET", "k"));
        h.clock.advance(1);
        assertEquals(NIL, h.call("GET", "k"));
        h.call("SET", "k", "v", "PX", "100");
        h.clock.advance(101);
        // KEEPTTL on an expired key keeps nothing: the key was already gone.
        assertEquals(OK, h.call("SET", "k", "w", "KEEPTTL"));
        assertEquals(-1, db.expireAt(b("k")));
        assertEquals("$1\r\nw\r\n", h.call("GET", "k"));
    }

    @Test
    void nxAndXx() {
        assertEquals(NIL, h.call("SET", "k", "v", "XX"));
        assertEquals(0, db.size());
        assertEquals(OK, h.call("SET", "k", "v", "NX"));
        assertEquals(NIL, h.call("SET", "k", "w", "NX"));
        assertEquals(OK, h.call("SET", "k", "x", "XX"));
        assertEquals("$1\r\nx\r\n", h.call("GET", "k"));
        // NX and XX look at the key, whatever its type.
        putList("l");
        assertEquals(NIL, h.call("SET", "l", "v", "NX"));
        assertEquals(OK, h.call("SET", "l", "v", "XX"));
        assertEquals("$1\r\nv\r\n", h.call("GET", "l"));
    }

    @Test
    void setGetRepliesWithTheOldValue() {
        assertEquals(NIL, h.call("SET", "k", "v", "GET"));
        assertEquals("$1\r\nv\r\n", h.call("SET", "k", "w", "GET"));
        assertEquals("$1\r\nw\r\n", h.call("SET", "k", "x", "get", "get", "GET"));
        // NX with GET is allowed in 7.0: the old value comes back and nothing is written.
        assertEquals("$1\r\nx\r\n", h.call("SET", "k", "y", "NX", "GET"));
        assertEquals("$1\r\nx\r\n", h.call("GET", "k"));
        assertEquals(NIL, h.call("SET", "new", "y", "NX", "GET"));
        assertEquals("$1\r\ny\r\n", h.call("GET", "new"));
        assertEquals(NIL, h.call("SET", "absent", "y", "XX", "GET"));
        assertEquals(NIL, h.call("GET", "absent"));
        assertEquals("$1\r\ny\r\n", h.call("SET", "new", "z", "XX", "GET", "EX", "10"));
        assertEquals(now() + 10_000, db.expireAt(b("new")));
        h.call("SET", "n", "42");
        assertEquals("$2\r\n42\r\n", h.call("SET", "n", "1", "GET"));
    }

    @Test
    void setGetOnAnotherTypeFailsAndWritesNothing() {
        putList("l");
        assertEquals(WRONGTYPE, h.call("SET", "l", "v", "GET"));
        assertTrue(db.entry(b("l")).value() instanceof BoxType.Box);
        // The expiry is checked first, the type after it.
        assertEquals(NOT_INTEGER, h.call("SET", "l", "v", "GET", "EX", "x"));
        assertEquals(SYNTAX, h.call("SET", "l", "v", "GET", "foo"));
        // Without GET, SET overwrites any type.
        assertEquals(OK, h.call("SET", "l", "v"));
        assertEquals("$1\r\nv\r\n", h.call("GET", "l"));
    }

    @Test
    void setnx() {
        assertEquals(":1\r\n", h.call("SETNX", "k", "v"));
        assertEquals(":0\r\n", h.call("SETNX", "k", "w"));
        assertEquals("$1\r\nv\r\n", h.call("GET", "k"));
        putList("l");
        assertEquals(":0\r\n", h.call("SETNX", "l", "w"));
        assertEquals("-ERR wrong number of arguments for 'setnx' command\r\n", h.call("SETNX", "k"));
    }

    @Test
    void setexAndPsetex() {
        h.call("SET", "k", "old", "PX", "5");
        assertEquals(OK, h.call("SETEX", "k", "10", "v"));
        assertEquals(now() + 10_000, db.expireAt(b("k")));
        assertEquals(OK, h.call("PSETEX", "k", "1000", "w"));
        assertEquals(now() + 1000, db.expireAt(b("k")));
        assertEquals("$1\r\nw\r\n", h.call("GET", "k"));
        assertEquals(NOT_INTEGER, h.call("SETEX", "k", "abc", "v"));
        assertEquals("-ERR invalid expire time in 'setex' command\r\n", h.call("SETEX", "k", "9223372036854775807", "v"));
        assertEquals("-ERR invalid expire time in 'psetex' command\r\n", h.call("PSETEX", "k", "9223372036854775807", "v"));
        putList("l");
        assertEquals(OK, h.call("SETEX", "l", "10", "v"));
        assertEquals("$1\r\nv\r\n", h.call("GET", "l"));
    }

    @Test
    void getexChangesTheTtl() {
        assertEquals(NIL, h.call("GETEX", "k"));
        // A missing key answers null before the expiry is even read.
        assertEquals(NIL, h.call("GETEX", "k", "EX", "0"));
        assertEquals(NIL, h.call("GETEX", "k", "EX", "abc"));
        h.call("SET", "k", "v");
        assertEquals("$1\r\nv\r\n", h.call("GETEX", "k"));
        assertEquals(-1, db.expireAt(b("k")));
        assertEquals("$1\r\nv\r\n", h.call("GETEX", "k", "EX", "100"));
        assertEquals(now() + 100_000, db.expireAt(b("k")));
        assertEquals("$1\r\nv\r\n", h.call("getex", "k", "px", "50000"));
        assertEquals(now() + 50_000, db.expireAt(b("k")));
        assertEquals("$1\r\nv\r\n", h.call("GETEX", "k", "EXAT", "99999999999"));
        assertEquals(99_999_999_999_000L, db.expireAt(b("k")));
        assertEquals("$1\r\nv\r\n", h.call("GETEX", "k", "PXAT", "99999999999001"));
        assertEquals(99_999_999_999_001L, db.expireAt(b("k")));
        assertEquals("$1\r\nv\r\n", h.call("GETEX", "k", "PERSIST"));
        assertEquals(-1, db.expireAt(b("k")));
        assertEquals("$1\r\nv\r\n", h.call("GETEX", "k", "PERSIST", "persist"));
        assertEquals("$1\r\nv\r\n", h.call("GETEX", "k", "EX", "10", "EX", "20"));
        assertEquals(now() + 20_000, db.expireAt(b("k")));
        assertEquals("$1\r\nv\r\n", h.call("GETEX", "k", "PXAT", "9223372036854775807"));
    }

    @Test
    void getexOptionErrors() {
        h.call("SET", "k", "v");
        for (String[] opts : new String[][] {{"EX", "10", "PX", "10"}, {"PERSIST", "EX", "10"}, {"EX", "10", "PERSIST"},
                {"EX"}, {"KEEPTTL"}, {"NX"}, {"XX"}, {"GET"}, {"foo"}}) {
            String[] args = new String[opts.length + 2];
            args[0] = "GETEX";
            args[1] = "k";
            System.arraycopy(opts, 0, args, 2, opts.length);
            assertEquals(SYNTAX, h.call(args), String.join(" ", opts));
        }
        assertEquals(SYNTAX, h.call("GETEX", "missing", "foo"));
        assertEquals("-ERR invalid expire time in 'getex' command\r\n", h.call("GETEX", "k", "EX", "-5"));
        assertEquals("-ERR invalid expire time in 'getex' command\r\n", h.call("GETEX", "k", "EX", "9223372036854775807"));
        assertEquals(NOT_INTEGER, h.call("GETEX", "k", "EX", "abc"));
        assertEquals(-1, db.expireAt(b("k")));
    }

    @Test
    void getexWithAPastTimeDeletesTheKey() {
        h.call("SET", "k", "v");
        assertEquals("$1\r\nv\r\n", h.call("GETEX", "k", "EXAT", "1"));
        assertEquals(0, db.size());
        h.call("SET", "k", "v");
        assertEquals("$1\r\nv\r\n", h.call("GETEX", "k", "PXAT", Long.toString(now())));
        assertEquals(0, db.size());
        // The deletion is not an expiry.
        assertEquals(0, h.server.keyspace().expiredKeys);
    }

    @Test
    void getexKeepsTheEncodingAndChecksTheType() {
        h.call("SET", "k", "123");
        assertEquals("$3\r\n123\r\n", h.call("GETEX", "k", "EX", "100"));
        assertEquals("int", encoding("k"));
        putList("l");
        assertEquals(WRONGTYPE, h.call("GETEX", "l"));
        // The type is checked before the expiry argument.
        assertEquals(WRONGTYPE, h.call("GETEX", "l", "EX", "0"));
        assertEquals(WRONGTYPE, h.call("GETEX", "l", "EX", "abc"));
        assertEquals(SYNTAX, h.call("GETEX", "l", "foo"));
    }

    @Test
    void getdel() {
        h.call("SET", "k", "123");
        assertEquals("$3\r\n123\r\n", h.call("GETDEL", "k"));
        assertEquals(NIL, h.call("GETDEL", "k"));
        assertEquals(0, db.size());
        putList("l");
        assertEquals(WRONGTYPE, h.call("GETDEL", "l"));
        assertEquals(1, db.size());
    }

    @Test
    void getsetReplacesTheValueAndDropsTheTtl() {
        assertEquals(NIL, h.call("GETSET", "k", "v"));
        assertEquals("$1\r\nv\r\n", h.call("GETSET", "k", "12"));
        assertEquals("int", encoding("k"));
        h.call("SET", "k", "v", "EX", "100");
        assertEquals("$1\r\nv\r\n", h.call("GETSET", "k", "w"));
        assertEquals(-1, db.expireAt(b("k")));
        putList("l");
        assertEquals(WRONGTYPE, h.call("GETSET", "l", "x"));
        assertTrue(db.entry(b("l")).value() instanceof BoxType.Box);
    }

    @Test
    void mgetAnswersNullForMissingKeysAndOtherTypes() {
        h.call("SET", "a", "1");
        h.call("SET", "b", "two");
        putList("l");
        assertEquals("*4\r\n$1\r\n1\r\n$3\r\ntwo\r\n$-1\r\n$-1\r\n", h.call("MGET", "a", "b", "l", "missing"));
        assertEquals("-ERR wrong number of arguments for 'mget' command\r\n", h.call("MGET"));
    }

    @Test
    void msetAndMsetnx() {
        assertEquals(OK, h.call("MSET", "a", "1", "b", "2"));
        assertEquals("-ERR wrong number of arguments for 'mset' command\r\n", h.call("MSET", "a", "1", "b"));
        assertEquals("-ERR wrong number of arguments for 'mset' command\r\n", h.call("MSET", "a"));
        assertEquals("-ERR wrong number of arguments for 'msetnx' command\r\n", h.call("MSETNX", "f", "1", "g"));
        assertEquals(":0\r\n", h.call("MSETNX", "a", "1", "c", "3"));
        assertEquals(NIL, h.call("GET", "c"));
        assertEquals(":1\r\n", h.call("MSETNX", "c", "3", "d", "4"));
        assertEquals(":1\r\n", h.call("MSETNX", "e", "1", "e", "2"));
        assertEquals("$1\r\n2\r\n", h.call("GET", "e"));
        h.call("SET", "t", "v", "EX", "100");
        putList("l");
        assertEquals(OK, h.call("MSET", "t", "x", "l", "y"));
        assertEquals(-1, db.expireAt(b("t")));
        assertEquals("*2\r\n$1\r\nx\r\n$1\r\ny\r\n", h.call("MGET", "t", "l"));
        assertEquals(":0\r\n", h.call("MSETNX", "l", "z"));
    }

    @Test
    void writesCountAsChanges() {
        long before = h.server.keyspace().dirty;
        h.call("SET", "a", "1");
        h.call("MSET", "b", "1", "c", "2");
        h.call("SET", "a", "1", "NX");
        assertEquals(before + 3, h.server.keyspace().dirty);
    }

    @Test
    void nothingIsLeftAfterABadCommand() {
        assertNull(db.entry(b("k")));
        h.call("SET", "k", "v", "EX", "0");
        h.call("SET", "k", "v", "foo");
        assertNull(db.entry(b("k")));
    }
}
