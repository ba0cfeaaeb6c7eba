package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cinnabar.server.testing.EngineHarness;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hash field expiration (Redis 7.4's HEXPIRE family, HTTL family, HPERSIST; Redis 8.0's HGETEX,
 * HSETEX, HGETDEL) through the real decoder and dispatcher, with the manual clock.
 */
class HashTtlCommandsTest {
    /** The harness's clock starts here (ms). */
    static final long T0 = 1_700_000_000_000L;
    private final EngineHarness h = new EngineHarness();

    private static String ints(long... v) {
        StringBuilder sb = new StringBuilder("*" + v.length + "\r\n");
        for (long x : v) {
            sb.append(':').append(x).append("\r\n");
        }
        return sb.toString();
    }

    private long changes() {
        String info = h.call("INFO", "persistence");
        int i = info.indexOf("rdb_changes_since_last_save:") + "rdb_changes_since_last_save:".length();
        return Long.parseLong(info.substring(i, info.indexOf('\r', i)));
    }

    private List<String> record() {
        List<String> out = new ArrayList<>();
        h.server.propagation().addSink((db, cmd) -> {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < cmd.count(); i++) {
                sb.append(i == 0 ? "" : " ").append(cmd.latin1(i));
            }
            out.add(sb.toString());
        });
        return out;
    }

    private void cron() {
        h.server.keyspace().updateTime();
        h.server.activeExpire().slow(10, 1);
    }

    @Test
    void hexpireReplyCodesAndConditions() {
        h.call("HSET", "h", "a", "1", "b", "2", "c", "3");
        assertEquals("$8\r\nlistpack\r\n", h.call("OBJECT", "ENCODING", "h"));
        assertEquals(ints(1, -2), h.call("HEXPIRE", "h", "100", "FIELDS", "2", "a", "zz"));
        assertEquals("$10\r\nlistpackex\r\n", h.call("OBJECT", "ENCODING", "h"));
        assertEquals(ints(100, -1, -2), h.call("HTTL", "h", "FIELDS", "3", "a", "b", "zz"));
        assertEquals(ints(100_000, -1), h.call("HPTTL", "h", "FIELDS", "2", "a", "b"));
        assertEquals(ints(T0 / 1000 + 100), h.call("HEXPIRETIME", "h", "FIELDS", "1", "a"));
        assertEquals(ints(T0 + 100_000), h.call("HPEXPIRETIME", "h", "FIELDS", "1", "a"));
        // NX: only fields without a time; XX: only fields with one.
        assertEquals(ints(0, 1), h.call("HEXPIRE", "h", "50", "NX", "FIELDS", "2", "a", "b"));
        assertEquals(ints(1, 0), h.call("HEXPIRE", "h", "60", "xx", "FIELDS", "2", "a", "c"));
        // GT: a field without a time counts as later; LT holds for it.
        assertEquals(ints(1, 1, 0), h.call("HEXPIRE", "h", "70", "GT", "FIELDS", "3", "a", "b", "c"));
        assertEquals(ints(0, 0, 1), h.call("HEXPIRE", "h", "80", "LT", "FIELDS", "3", "a", "b", "c"));
        assertEquals(ints(70, 70, 80), h.call("HTTL", "h", "FIELDS", "3", "a", "b", "c"));
        // A time not after now deletes the field (2); the hash goes with its last field.
        assertEquals(ints(2, -2), h.call("HPEXPIREAT", "h", String.valueOf(T0), "FIELDS", "2", "a", "a"));
        assertEquals(ints(2, 2), h.call("HEXPIRE", "h", "0", "FIELDS", "2", "b", "c"));
        assertEquals(":0\r\n", h.call("EXISTS", "h"));
        assertEquals(ints(-2, -2), h.call("HEXPIRE", "nokey", "10", "FIELDS", "2", "a", "b"));
        assertEquals(ints(-2), h.call("HTTL", "nokey", "FIELDS", "1", "a"));
    }

    @Test
    void argumentErrors() {
        h.call("HSET", "h", "a", "1");
        assertEquals("-ERR Mandatory argument FIELDS is missing or not at the right position\r\n",
                h.call("HEXPIRE", "h", "10", "FIELD", "1", "a"));
        assertEquals("-ERR Mandatory argument FIELDS is missing or not at the right position\r\n",
                h.call("HEXPIRE", "h", "10", "NX", "XX", "1", "a"));
        assertEquals("-ERR Parameter `numFields` should be greater than 0\r\n",
                h.call("HEXPIRE", "h", "10", "FIELDS", "0", "a"));
        assertEquals("-ERR Parameter `numFields` should be greater than 0\r\n",
                h.call("HEXPIRE", "h", "10", "FIELDS", "x", "a"));
        assertEquals("-ERR The `numfields` parameter must match the number of arguments\r\n",
                h.call("HEXPIRE", "h", "10", "FIELDS", "2", "a"));
        assertEquals("-ERR value is not an integer or out of range\r\n",
                h.call("HEXPIRE", "h", "ten", "FIELDS", "1", "a"));
        assertEquals("-ERR invalid expire time, must be >= 0\r\n", h.call("HEXPIRE", "h", "-1", "FIELDS", "1", "a"));
        assertEquals("-ERR invalid expire time in 'hexpire' command\r\n",
                h.call("HEXPIRE", "h", "281474976710656", "FIELDS", "1", "a"));
        assertEquals("-ERR invalid expire time in 'hpexpireat' command\r\n",
                h.call("HPEXPIREAT", "h", "281474976710656", "FIELDS", "1", "a"));
        assertEquals("-ERR invalid expire time in 'hpexpire' command\r\n",
                h.call("HPEXPIRE", "h", "281474976710655", "FIELDS", "1", "a"));
        assertEquals(ints(1), h.call("HPEXPIREAT", "h", "281474976710655", "FIELDS", "1", "a"));
        assertEquals("-ERR Number of fields must be a positive integer\r\n", h.call("HTTL", "h", "FIELDS", "0", "a"));
        assertEquals("-ERR Number of fields must be a positive integer\r\n", h.call("HPERSIST", "h", "FIELDS", "-1", "a"));
        assertEquals("-ERR The `numfields` parameter must match the number of arguments\r\n",
                h.call("HPTTL", "h", "FIELDS", "2", "a"));
        assertEquals("-ERR wrong number of arguments for 'httl' command\r\n", h.call("HTTL", "h", "FIELDS", "1"));
        assertEquals("-ERR wrong number of arguments for 'hexpire' command\r\n", h.call("HEXPIRE", "h", "1", "FIELDS", "1"));
        h.call("SET", "s", "v");
        for (String[] cmd : new String[][] {{"HEXPIRE", "s", "x", "FIELDS", "1", "a"}, {"HTTL", "s", "FIELDS", "1", "a"},
                {"HPERSIST", "s", "FIELDS", "1", "a"}, {"HGETEX", "s", "FIELDS", "1", "a"},
                {"HSETEX", "s", "FIELDS", "1", "a", "b"}, {"HGETDEL", "s", "FIELDS", "1", "a"}}) {
            assertEquals(HashCommandsTest.WRONGTYPE, h.call(cmd), String.join(" ", cmd));
        }
    }

    @Test
    void expiredFieldsAreInvisibleAndDeletedLazily() {
        h.call("HSET", "h", "a", "1", "b", "2", "c", "3");
        h.call("HPEXPIRE", "h", "100", "FIELDS", "2", "a", "b");
        h.clock.advance(100);
        // Alive during its own millisecond.
        assertEquals("$1\r\n1\r\n", h.call("HGET", "h", "a"));
        h.clock.advance(1);
        List<String> out = record();
        // HLEN counts fields not deleted yet, as Redis 7.4 does; HGETALL leaves them out.
        assertEquals(":3\r\n", h.call("HLEN", "h"));
        assertEquals("*2\r\n$1\r\nc\r\n$1\r\n3\r\n", h.call("HGETALL", "h"));
        assertEquals("*1\r\n$1\r\nc\r\n", h.call("HKEYS", "h"));
        assertEquals("*2\r\n$1\r\n0\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n", h.call("HSCAN", "h", "0"));
        assertEquals(List.of(), out);
        assertEquals("$-1\r\n", h.call("HGET", "h", "a"));
        assertEquals(List.of("HDEL h a"), out);
        assertEquals(":2\r\n", h.call("HLEN", "h"));
        assertEquals(":0\r\n", h.call("HEXISTS", "h", "b"));
        assertEquals(":1\r\n", h.call("HLEN", "h"));
        assertEquals(List.of("HDEL h a", "HDEL h b"), out);
        // HGET changes nothing that counts.
        long before = changes();
        h.call("HPEXPIRE", "h", "10", "FIELDS", "1", "c");
        h.clock.advance(11);
        assertEquals(":0\r\n", h.call("HSTRLEN", "h", "c"));
        assertEquals(":0\r\n", h.call("EXISTS", "h"));
        assertEquals(before + 1, changes());
    }

    @Test
    void writesOverFieldsWithTimes() {
        h.call("HSET", "h", "a", "1", "b", "2", "n", "5");
        h.call("HEXPIRE", "h", "100", "FIELDS", "3", "a", "b", "n");
        // HSET drops the time, HINCRBY keeps it.
        h.call("HSET", "h", "a", "9");
        h.call("HINCRBY", "h", "n", "1");
        h.call("HINCRBYFLOAT", "h", "b", "1.5");
        assertEquals(ints(-1, 100, 100), h.call("HTTL", "h", "FIELDS", "3", "a", "b", "n"));
        // An expired field is absent to HSETNX and HINCRBY.
        h.call("HPEXPIRE", "h", "5", "FIELDS", "1", "n");
        h.clock.advance(6);
        assertEquals(":1\r\n", h.call("HINCRBY", "h", "n", "1"));
        assertEquals(ints(-1), h.call("HTTL", "h", "FIELDS", "1", "n"));
        h.call("HPEXPIRE", "h", "5", "FIELDS", "1", "n");
        h.clock.advance(6);
        assertEquals(":1\r\n", h.call("HSETNX", "h", "n", "x"));
        assertEquals("$1\r\nx\r\n", h.call("HGET", "h", "n"));
        // A hash whose only field expired is recreated by HINCRBY.
        h.call("HSET", "g", "f", "1");
        h.call("HPEXPIRE", "g", "5", "FIELDS", "1", "f");
        h.clock.advance(6);
        assertEquals(":3\r\n", h.call("HINCRBY", "g", "f", "3"));
        assertEquals("$8\r\nlistpack\r\n", h.call("OBJECT", "ENCODING", "g"));
    }

    @Test
    void hpersist() {
        h.call("HSET", "h", "a", "1", "b", "2");
        assertEquals(ints(-1, -2), h.call("HPERSIST", "h", "FIELDS", "2", "a", "zz"));
        assertEquals("$8\r\nlistpack\r\n", h.call("OBJECT", "ENCODING", "h"));
        h.call("HEXPIRE", "h", "100", "FIELDS", "1", "a");
        long before = changes();
        assertEquals(ints(1, -1, -2), h.call("HPERSIST", "h", "FIELDS", "3", "a", "b", "zz"));
        assertEquals(before + 1, changes());
        assertEquals(ints(-1), h.call("HTTL", "h", "FIELDS", "1", "a"));
        assertEquals(ints(-2), h.call("HPERSIST", "nokey", "FIELDS", "1", "a"));
    }

    @Test
    void listpackexOrderAndConversion() {
        h.call("HSET", "h", "a", "1", "b", "2", "c", "3");
        h.call("HEXPIRE", "h", "300", "FIELDS", "1", "c");
        h.call("HEXPIRE", "h", "200", "FIELDS", "1", "b");
        // Fields with a time first, earliest first, then the others.
        assertEquals("*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n", h.call("HKEYS", "h"));
        h.call("HPERSIST", "h", "FIELDS", "1", "b");
        assertEquals("*3\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n", h.call("HKEYS", "h"));
        h.call("CONFIG", "SET", "hash-max-listpack-entries", "3");
        h.call("HSET", "h", "d", "4");
        assertEquals("$9\r\nhashtable\r\n", h.call("OBJECT", "ENCODING", "h"));
        assertEquals(ints(300, -1), h.call("HTTL", "h", "FIELDS", "2", "c", "d"));
        // COPY, RENAME and MOVE keep the times.
        h.call("COPY", "h", "h2");
        h.call("RENAME", "h2", "h3");
        h.call("MOVE", "h3", "1");
        h.call("SELECT", "1");
        assertEquals(ints(300, -1), h.call("HTTL", "h3", "FIELDS", "2", "c", "d"));
        h.call("HSET", "small", "a", "1");
        h.call("HEXPIRE", "small", "5", "FIELDS", "1", "a");
        h.call("COPY", "small", "small2");
        assertEquals("$10\r\nlistpackex\r\n", h.call("OBJECT", "ENCODING", "small2"));
        assertEquals(ints(5), h.call("HTTL", "small2", "FIELDS", "1", "a"));
    }

    @Test
    void activeExpiryDeletesFieldsThenTheKey() {
        h.call("HSET", "h", "a", "1", "b", "2");
        h.call("HPEXPIRE", "h", "100", "FIELDS", "1", "a");
        h.call("HPEXPIRE", "h", "200", "FIELDS", "1", "b");
        h.call("CONFIG", "SET", "hash-max-listpack-entries", "1");
        h.call("HSET", "big", "a", "1", "b", "2", "c", "3");
        h.call("HPEXPIRE", "big", "100", "FIELDS", "2", "a", "b");
        List<String> out = record();
        h.clock.advance(100);
        cron();
        assertEquals(List.of("HDEL big a", "HDEL big b", "HDEL h a"), out);
        assertEquals(":1\r\n", h.call("HLEN", "h"));
        assertEquals(":1\r\n", h.call("HLEN", "big"));
        h.clock.advance(100);
        cron();
        assertEquals(":0\r\n", h.call("EXISTS", "h"));
        assertEquals(List.of("HDEL big a", "HDEL big b", "HDEL h a", "HDEL h b"), out);
    }

    @Test
    void hexpirePropagation() {
        h.call("HSET", "h", "a", "1", "b", "2", "c", "3");
        List<String> out = record();
        h.call("HEXPIRE", "h", "100", "NX", "fields", "3", "a", "zz", "b");
        assertEquals("HPEXPIREAT h " + (T0 + 100_000) + " NX fields 2 a b", out.get(0));
        h.call("HPEXPIREAT", "h", String.valueOf(T0 + 5000), "FIELDS", "1", "c");
        assertEquals("hpexpireat h " + (T0 + 5000) + " FIELDS 1 c", out.get(1).replace("HPEXPIREAT", "hpexpireat"));
        // Nothing set: not propagated; a field deleted by a past time goes as HDEL.
        h.call("HEXPIRE", "h", "100", "NX", "FIELDS", "1", "a");
        assertEquals(2, out.size());
        h.call("HEXPIRE", "h", "0", "FIELDS", "1", "a");
        assertEquals("HDEL h a", out.get(2));
        h.call("HPERSIST", "h", "FIELDS", "1", "b");
        assertEquals("HPERSIST h FIELDS 1 b", out.get(3));
        h.call("HPERSIST", "h", "FIELDS", "1", "b");
        assertEquals(4, out.size());
    }

    @Test
    void hgetex() {
        h.call("HSET", "h", "a", "1", "b", "2", "c", "3");
        List<String> out = record();
        assertEquals("*2\r\n$1\r\n1\r\n$-1\r\n", h.call("HGETEX", "h", "FIELDS", "2", "a", "zz"));
        assertEquals("$8\r\nlistpack\r\n", h.call("OBJECT", "ENCODING", "h"));
        assertEquals("*2\r\n$1\r\n1\r\n$-1\r\n", h.call("HGETEX", "h", "EX", "100", "FIELDS", "2", "a", "zz"));
        assertEquals(ints(100), h.call("HTTL", "h", "FIELDS", "1", "a"));
        assertEquals("HPEXPIREAT h " + (T0 + 100_000) + " FIELDS 2 a zz", out.get(0));
        assertEquals("*1\r\n$1\r\n1\r\n", h.call("HGETEX", "h", "PERSIST", "FIELDS", "1", "a"));
        assertEquals("HPERSIST h FIELDS 1 a", out.get(1));
        assertEquals(ints(-1), h.call("HTTL", "h", "FIELDS", "1", "a"));
        // PERSIST of fields without a time changes nothing: not propagated.
        assertEquals("*1\r\n$1\r\n1\r\n", h.call("HGETEX", "h", "PERSIST", "FIELDS", "1", "a"));
        assertEquals(2, out.size());
        assertEquals("*1\r\n$1\r\n2\r\n", h.call("HGETEX", "h", "PXAT", "1", "FIELDS", "1", "b"));
        assertEquals("HDEL h b", out.get(2));
        assertEquals(3, out.size());
        assertEquals(":0\r\n", h.call("HEXISTS", "h", "b"));
        assertEquals("*1\r\n$-1\r\n", h.call("HGETEX", "nokey", "PX", "10", "FIELDS", "1", "a"));
        // The word after EX is read as the time first.
        assertEquals("-ERR value is not an integer or out of range\r\n",
                h.call("HGETEX", "h", "EX", "FIELDS", "1", "a"));
        assertEquals("-ERR Mandatory argument FIELDS is missing or not at the right position\r\n",
                h.call("HGETEX", "h", "EX", "1", "FIELD", "1", "a"));
        assertEquals("-ERR value is not an integer or out of range\r\n",
                h.call("HGETEX", "h", "EX", "x", "FIELDS", "1", "a"));
        assertEquals("-ERR invalid expire time in 'hgetex' command\r\n",
                h.call("HGETEX", "h", "EXAT", "281474976710656", "FIELDS", "1", "a"));
        assertEquals("-ERR Number of fields must be a positive integer\r\n", h.call("HGETEX", "h", "FIELDS", "0", "a"));
        h.client.reply.protocol(3);
        assertEquals("*2\r\n$1\r\n3\r\n_\r\n", h.call("HGETEX", "h", "FIELDS", "2", "c", "zz"));
    }

    @Test
    void hsetex() {
        List<String> out = record();
        assertEquals(":1\r\n", h.call("HSETEX", "h", "EX", "100", "FIELDS", "2", "a", "1", "b", "2"));
        assertEquals("$10\r\nlistpackex\r\n", h.call("OBJECT", "ENCODING", "h"));
        assertEquals(ints(100, 100), h.call("HTTL", "h", "FIELDS", "2", "a", "b"));
        assertEquals("HSETEX h PXAT " + (T0 + 100_000) + " FIELDS 2 a 1 b 2", out.get(0));
        assertEquals(":0\r\n", h.call("HSETEX", "h", "FNX", "FIELDS", "2", "a", "1", "c", "3"));
        assertEquals(":0\r\n", h.call("HSETEX", "h", "FXX", "FIELDS", "2", "a", "1", "c", "3"));
        assertEquals(":0\r\n", h.call("HSETEX", "nokey", "FXX", "FIELDS", "1", "a", "1"));
        assertEquals(1, out.size());
        assertEquals(":1\r\n", h.call("HSETEX", "h", "FXX", "KEEPTTL", "FIELDS", "1", "a", "9"));
        assertEquals(ints(100), h.call("HTTL", "h", "FIELDS", "1", "a"));
        assertEquals("HSETEX h FXX KEEPTTL FIELDS 1 a 9", out.get(1));
        assertEquals(":1\r\n", h.call("HSETEX", "h", "FIELDS", "1", "a", "8"));
        assertEquals(ints(-1), h.call("HTTL", "h", "FIELDS", "1", "a"));
        // A time in the past deletes the fields it sets; only the HDELs propagate.
        assertEquals(":1\r\n", h.call("HSETEX", "h", "PX", "0", "FIELDS", "1", "b", "5"));
        assertEquals("HDEL h b", out.get(3));
        assertEquals(4, out.size());
        assertEquals(":0\r\n", h.call("HEXISTS", "h", "b"));
        assertEquals("-ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified\r\n",
                h.call("HSETEX", "h", "EX", "1", "KEEPTTL", "FIELDS", "1", "a", "1"));
        assertEquals("-ERR Only one of FXX or FNX arguments can be specified\r\n",
                h.call("HSETEX", "h", "FXX", "FNX", "FIELDS", "1", "a", "1"));
        assertEquals("-ERR unknown argument: NOPE\r\n", h.call("HSETEX", "h", "NOPE", "FIELDS", "1", "a", "1"));
        assertEquals("-ERR wrong number of arguments for 'hsetex' command\r\n",
                h.call("HSETEX", "h", "FIELDS", "2", "a", "1"));
        assertEquals("-ERR invalid number of fields\r\n", h.call("HSETEX", "h", "FIELDS", "0", "a", "1"));
        assertEquals("-ERR invalid expire time, must be >= 0\r\n", h.call("HSETEX", "h", "EX", "-1", "FIELDS", "1", "a", "1"));
    }

    @Test
    void hgetdel() {
        h.call("HSET", "h", "a", "1", "b", "2", "c", "3");
        h.call("HPEXPIRE", "h", "10", "FIELDS", "1", "c");
        h.clock.advance(11);
        List<String> out = record();
        long before = changes();
        assertEquals("*4\r\n$1\r\n1\r\n$-1\r\n$-1\r\n$-1\r\n", h.call("HGETDEL", "h", "FIELDS", "4", "a", "zz", "c", "a"));
        assertEquals(List.of("MULTI", "HDEL h c", "HDEL h a zz c a", "EXEC"), out);
        assertEquals(before + 1, changes());
        assertEquals("*1\r\n$1\r\n2\r\n", h.call("HGETDEL", "h", "FIELDS", "1", "b"));
        assertEquals(":0\r\n", h.call("EXISTS", "h"));
        assertEquals("*1\r\n$-1\r\n", h.call("HGETDEL", "h", "FIELDS", "1", "b"));
        assertEquals("-ERR Mandatory argument FIELDS is missing or not at the right position\r\n",
                h.call("HGETDEL", "h", "FIELD", "1", "b"));
    }

    @Test
    void readsSkipExpiredFieldsInEveryEncoding() {
        h.call("CONFIG", "SET", "hash-max-listpack-entries", "2");
        h.call("HSET", "h", "a", "1", "b", "2", "c", "3");
        assertEquals("$9\r\nhashtable\r\n", h.call("OBJECT", "ENCODING", "h"));
        h.call("HPEXPIRE", "h", "10", "FIELDS", "2", "a", "b");
        h.clock.advance(11);
        assertEquals("*2\r\n$1\r\n0\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n", h.call("HSCAN", "h", "0"));
        assertEquals("*1\r\n$1\r\n3\r\n", h.call("HVALS", "h"));
        List<String> out = record();
        assertEquals("*3\r\n$-1\r\n$1\r\n3\r\n$-1\r\n", h.call("HMGET", "h", "a", "c", "b"));
        // One command's deletions go together, as a command's lazy key expiry does.
        assertEquals(List.of("MULTI", "HDEL h a", "HDEL h b", "EXEC"), out);
        assertEquals(":1\r\n", h.call("HLEN", "h"));
    }

    @Test
    void hrandfieldDeletesExpiredFieldsFirst() {
        h.call("HSET", "h", "a", "1", "b", "2");
        h.call("HPEXPIRE", "h", "10", "FIELDS", "1", "a");
        h.clock.advance(11);
        List<String> out = record();
        assertEquals("*2\r\n$1\r\nb\r\n$1\r\nb\r\n", h.call("HRANDFIELD", "h", "-2"));
        assertEquals(List.of("HDEL h a"), out);
        h.call("HPEXPIRE", "h", "10", "FIELDS", "1", "b");
        h.clock.advance(11);
        assertEquals("*0\r\n", h.call("HRANDFIELD", "h", "3"));
        assertEquals(":0\r\n", h.call("EXISTS", "h"));
        h.call("HSET", "g", "a", "1");
        h.call("HPEXPIRE", "g", "10", "FIELDS", "1", "a");
        h.clock.advance(11);
        assertEquals("$-1\r\n", h.call("HRANDFIELD", "g"));
        assertEquals(":0\r\n", h.call("EXISTS", "g"));
    }

    @Test
    void withoutExpiryExpiredFieldsStayButReadAsAbsent() {
        // A replica: fields go only when the master's HDEL comes; a past time sets the field's time.
        h.call("HSET", "h", "a", "1", "b", "2");
        h.call("HPEXPIRE", "h", "10", "FIELDS", "1", "a");
        h.clock.advance(11);
        h.server.keyspace().expiryEnabled(false);
        assertEquals("$-1\r\n", h.call("HGET", "h", "a"));
        assertEquals(":2\r\n", h.call("HLEN", "h"));
        assertEquals(ints(1), h.call("HPEXPIRE", "h", "0", "FIELDS", "1", "b"));
        cron();
        assertEquals(":2\r\n", h.call("HLEN", "h"));
        h.server.keyspace().expiryEnabled(true);
        cron();
        assertEquals(":0\r\n", h.call("EXISTS", "h"));
    }

    @Test
    void resp3Replies() {
        h.client.reply.protocol(3);
        h.call("HSET", "h", "a", "1", "b", "2");
        assertEquals(ints(1, -2), h.call("HPEXPIRE", "h", "1500", "FIELDS", "2", "a", "zz"));
        assertEquals(ints(2, -1), h.call("HTTL", "h", "FIELDS", "2", "a", "b"));
        assertEquals(ints(1500), h.call("HPTTL", "h", "FIELDS", "1", "a"));
        assertEquals("*2\r\n$1\r\n1\r\n_\r\n", h.call("HGETDEL", "h", "FIELDS", "2", "a", "zz"));
        assertEquals(":1\r\n", h.call("HSETEX", "h", "KEEPTTL", "FIELDS", "1", "b", "3"));
        assertEquals("%1\r\n$1\r\nb\r\n$1\r\n3\r\n", h.call("HGETALL", "h"));
    }

    @Test
    void activeExpiryFollowsKeysAcrossSwapdbFlushAndOverwrite() {
        h.call("HSET", "h", "a", "1", "b", "2");
        h.call("HPEXPIRE", "h", "10", "FIELDS", "1", "a");
        h.call("SWAPDB", "0", "1");
        h.call("HSET", "gone", "a", "1", "b", "2");
        h.call("HPEXPIRE", "gone", "10", "FIELDS", "1", "a");
        h.call("SET", "gone", "string now");
        h.call("HSET", "del", "a", "1", "b", "2");
        h.call("HPEXPIRE", "del", "10", "FIELDS", "1", "a");
        h.call("DEL", "del");
        h.call("HSET", "del", "a", "1", "b", "2");
        List<String> dbs = new ArrayList<>();
        h.server.propagation().addSink((db, cmd) -> dbs.add(db + " " + cmd.latin1(0) + (cmd.count() > 1 ? " " + cmd.latin1(1) : "")));
        h.clock.advance(11);
        cron();
        assertEquals(List.of("1 HDEL h"), dbs);
        assertEquals(":2\r\n", h.call("HLEN", "del"));
        h.call("SELECT", "1");
        assertEquals(":1\r\n", h.call("HLEN", "h"));
        h.call("HPEXPIRE", "h", "10", "FIELDS", "1", "b");
        h.call("FLUSHALL");
        h.clock.advance(11);
        cron();
        assertEquals(1, dbs.stream().filter(x -> x.contains("HDEL")).count());
    }

    @Test
    void digestMarksFieldsWithATimeButNotTheTime() {
        EngineHarness h = DebugCommandsTest.harness("yes");
        h.call("HSET", "h", "a", "1", "b", "2");
        String plain = h.call("DEBUG", "DIGEST-VALUE", "h");
        h.call("HEXPIRE", "h", "100", "FIELDS", "1", "a");
        String timed = h.call("DEBUG", "DIGEST-VALUE", "h");
        assertEquals(false, plain.equals(timed));
        h.call("HEXPIRE", "h", "200", "FIELDS", "1", "a");
        assertEquals(timed, h.call("DEBUG", "DIGEST-VALUE", "h"));
        h.call("HPERSIST", "h", "FIELDS", "1", "a");
        assertEquals(plain, h.call("DEBUG", "DIGEST-VALUE", "h"));
    }

    @Test
    void memoryFollowsTheTimesAndNoOpsCountNothing() {
        h.call("HSET", "h", "a", "1");
        long plain = Long.parseLong(h.call("MEMORY", "USAGE", "h").replaceAll("[^0-9]", ""));
        h.call("HEXPIRE", "h", "100", "FIELDS", "1", "a");
        long timed = Long.parseLong(h.call("MEMORY", "USAGE", "h").replaceAll("[^0-9]", ""));
        assertEquals(true, timed > plain, plain + " then " + timed);
        long before = changes();
        assertEquals(ints(0), h.call("HEXPIRE", "h", "50", "GT", "FIELDS", "1", "a"));
        assertEquals(before, changes());
    }

    @Test
    void hsetexWithAPastTimeOnANewKeyLeavesNoKey() {
        List<String> out = record();
        assertEquals(":1\r\n", h.call("HSETEX", "h", "EXAT", "1", "FIELDS", "1", "a", "1"));
        assertEquals(":0\r\n", h.call("EXISTS", "h"));
        assertEquals(List.of("HDEL h a"), out);
    }

    @Test
    void commandInfoDescribesThem() {
        String info = h.call("COMMAND", "INFO", "hexpire", "httl", "hsetex");
        assertEquals(true, info.startsWith("*3\r\n*10\r\n$7\r\nhexpire\r\n:-6\r\n*3\r\n+write\r\n+denyoom\r\n+fast\r\n"), info);
        assertEquals(true, info.contains("$4\r\nhttl\r\n:-5\r\n*2\r\n+readonly\r\n+fast\r\n"), info);
        String docs = h.call("COMMAND", "DOCS", "hgetex");
        assertEquals(true, docs.contains("8.0.0") && docs.contains("PERSIST"), docs);
    }
}
