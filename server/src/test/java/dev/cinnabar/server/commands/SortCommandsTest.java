package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.cinnabar.datatypes.PartialQuicksort;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.testing.EngineHarness;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** SORT and SORT_RO through the real decoder and dispatcher, with replies checked against Redis 7.0.15. */
class SortCommandsTest {
    static final String CONVERSION = "-ERR One or more scores can't be converted into double\r\n";

    private final EngineHarness h = new EngineHarness();
    private final Db db = h.server.keyspace().db(0);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String bulks(String... items) {
        StringBuilder sb = new StringBuilder("*" + items.length + "\r\n");
        for (String s : items) {
            sb.append('$').append(s.length()).append("\r\n").append(s).append("\r\n");
        }
        return sb.toString();
    }

    @Test
    void numericSortBreaksTiesByTheElementsBytes() {
        h.call("RPUSH", "l", "2", "1.0", "1", "01", "+1", "1e0", "0", "-0", "0.0");
        assertEquals(bulks("-0", "0", "0.0", "+1", "01", "1", "1.0", "1e0", "2"), h.call("SORT", "l"));
        assertEquals(bulks("2", "1e0", "1.0", "1", "01", "+1", "0.0", "0", "-0"), h.call("SORT", "l", "DESC"));
        assertEquals(bulks("+1", "01", "1", "1.0"), h.call("SORT", "l", "LIMIT", "3", "4"));
    }

    @Test
    void weightsAreReadAsStrtodReadsThem() {
        h.call("RPUSH", "w", " 5", "", "3", "\t8", ".5", "5.", "+2", "-Inf", "0X1F");
        assertEquals(bulks("-Inf", "", ".5", "+2", "3", " 5", "5.", "\t8", "0X1F"), h.call("SORT", "w"));
        for (String bad : new String[] {"abc", "7 ", "nan", "1e", "   ", "1e400", "1e-310"}) {
            h.call("DEL", "x");
            h.call("RPUSH", "x", "1", bad);
            assertEquals(CONVERSION, h.call("SORT", "x"), bad);
            assertEquals(CONVERSION, h.call("SORT", "x", "STORE", "d"));
            assertNull(db.entry(b("d")));
        }
        assertEquals(1.0, SortCommands.strtod(b("1\0abc"), 5));
        assertEquals(0.0, SortCommands.strtod(b("\0abc"), 4));
        assertEquals(Math.scalb(1.0, -1074), SortCommands.strtod(b("0x1p-1074"), 9));
    }

    @Test
    void alphaComparesCStringsUnlessStoring() {
        h.call("RPUSH", "a", "b", "a\0z", "a\0b", "A", "aa", "");
        // strcoll stops at the zero byte: the two "a\0" elements tie and keep their order.
        assertEquals(bulks("", "A", "a\0z", "a\0b", "aa", "b"), h.call("SORT", "a", "ALPHA"));
        assertEquals(":6\r\n", h.call("SORT", "a", "ALPHA", "STORE", "d"));
        assertEquals(bulks("", "A", "a\0b", "a\0z", "aa", "b"), h.call("LRANGE", "d", "0", "-1"));
    }

    @Test
    void byPatternsReadStringsAndHashFields() {
        h.call("RPUSH", "ids", "1", "2", "3", "4");
        h.call("MSET", "w_1", "50", "w_2", "20", "w_3", "30", "w_4", "20");
        h.call("HSET", "o_1", "name", "carol");
        h.call("HSET", "o_2", "name", "alice");
        h.call("HSET", "o_3", "name", "bob");
        assertEquals(bulks("2", "4", "3", "1"), h.call("SORT", "ids", "BY", "w_*"));
        assertEquals(bulks("1", "3", "4", "2"), h.call("SORT", "ids", "BY", "w_*", "DESC"));
        // A missing weight sorts first under ALPHA.
        assertEquals(bulks("4", "2", "3", "1"), h.call("SORT", "ids", "BY", "o_*->name", "ALPHA"));
        assertEquals("*8\r\n$1\r\n4\r\n$-1\r\n$1\r\n2\r\n$5\r\nalice\r\n$1\r\n3\r\n$3\r\nbob\r\n$1\r\n1\r\n$5\r\ncarol\r\n",
                h.call("SORT", "ids", "BY", "o_*->name", "ALPHA", "GET", "#", "GET", "o_*->name"));
        // A GET pattern without a star names nothing; one ending in "->" is a plain key.
        assertEquals("*4\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n", h.call("SORT", "ids", "GET", "nostar"));
        h.call("SET", "o_1->", "plain");
        assertEquals("*4\r\n$5\r\nplain\r\n$-1\r\n$-1\r\n$-1\r\n", h.call("SORT", "ids", "GET", "o_*->"));
        h.call("HELLO", "3");
        assertEquals("*4\r\n$5\r\nalice\r\n_\r\n_\r\n_\r\n", h.call("SORT", "ids", "BY", "w_*", "LIMIT", "0", "2", "GET", "o_*->name", "GET", "x"));
    }

    @Test
    void limitWithByUsesThePartialSortsOrderForTies() {
        // Checked against redis-server 7.0.15: all weights missing, so every element ties.
        h.call("RPUSH", "t", "x", "y", "z", "w");
        assertEquals(bulks("x", "y", "z", "w"), h.call("SORT", "t", "BY", "nokey_*", "ALPHA"));
        assertEquals(bulks("y", "z"), h.call("SORT", "t", "BY", "nokey_*", "ALPHA", "LIMIT", "1", "2"));
        assertEquals(bulks("x", "y"), h.call("SORT", "t", "BY", "nokey_*", "LIMIT", "1", "2"));
    }

    @Test
    void partialSortPutsTheRangeWhereAFullSortWould() {
        Random r = new Random(11);
        Comparator<SortCommands.Item> cmp = SortCommands.comparator(false, false, false, false);
        for (int round = 0; round < 500; round++) {
            int n = r.nextInt(120);
            SortCommands.Item[] v = new SortCommands.Item[n];
            for (int i = 0; i < n; i++) {
                v[i] = new SortCommands.Item(b(Integer.toString(r.nextInt(1000))));
                v[i].score = r.nextInt(30);
            }
            SortCommands.Item[] full = v.clone();
            Arrays.sort(full, cmp);
            int lo = n == 0 ? 0 : r.nextInt(n);
            int hi = n == 0 ? -1 : lo + r.nextInt(n - lo);
            PartialQuicksort.sort(v, cmp, lo, hi);
            for (int i = lo; i <= hi; i++) {
                assertEquals(full[i].score, v[i].score);
                assertArrayEquals(full[i].obj, v[i].obj);
            }
        }
    }

    @Test
    void byNosortKeepsListOrderAndSortsSetsAlphaOnlyWhenStoring() {
        h.call("RPUSH", "l", "5", "3", "9", "1");
        assertEquals(bulks("5", "3", "9", "1"), h.call("SORT", "l", "BY", "nosort"));
        assertEquals(bulks("9", "3"), h.call("SORT", "l", "BY", "nosort", "DESC", "LIMIT", "1", "2"));
        // A later BY with a star does not undo the first one's "nosort".
        assertEquals(bulks("5", "3", "9", "1"), h.call("SORT", "l", "BY", "nosort", "BY", "w_*"));
        h.call("SADD", "s", "10", "9", "100");
        assertEquals(bulks("9", "10", "100"), h.call("SORT", "s", "BY", "nosort", "DESC"));
        assertEquals(":3\r\n", h.call("SORT", "s", "BY", "nosort", "DESC", "STORE", "d"));
        assertEquals(bulks("9", "100", "10"), h.call("LRANGE", "d", "0", "-1"));
        h.client.scriptClient = true;
        assertEquals(bulks("10", "100", "9"), h.call("SORT", "s", "BY", "nosort"));
    }

    @Test
    void storeReplacesOrDeletesTheDestinationAndCountsEachElement() {
        h.call("RPUSH", "l", "3", "1", "2");
        h.call("SET", "d", "x");
        h.call("EXPIRE", "d", "100");
        long dirty = h.server.keyspace().dirty;
        assertEquals(":3\r\n", h.call("SORT", "l", "STORE", "d"));
        assertEquals(dirty + 3, h.server.keyspace().dirty);
        assertEquals(bulks("1", "2", "3"), h.call("LRANGE", "d", "0", "-1"));
        assertEquals(":-1\r\n", h.call("TTL", "d"));
        assertEquals(":6\r\n", h.call("SORT", "l", "GET", "#", "GET", "nokey_*", "STORE", "d"));
        assertEquals(bulks("1", "", "2", "", "3", ""), h.call("LRANGE", "d", "0", "-1"));
        dirty = h.server.keyspace().dirty;
        assertEquals(":0\r\n", h.call("SORT", "l", "LIMIT", "5", "1", "STORE", "d"));
        assertNull(db.entry(b("d")));
        assertEquals(dirty + 1, h.server.keyspace().dirty);
        assertEquals(":0\r\n", h.call("SORT", "nokey", "STORE", "d"));
        assertEquals(dirty + 1, h.server.keyspace().dirty);
    }

    @Test
    void errors() {
        h.call("SET", "str", "x");
        h.call("RPUSH", "l", "1");
        assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", h.call("SORT", "str"));
        // Options are checked before the key.
        assertEquals("-ERR syntax error\r\n", h.call("SORT", "str", "FOO"));
        assertEquals("-ERR value is not an integer or out of range\r\n", h.call("SORT", "str", "LIMIT", "x", "1"));
        assertEquals("-ERR syntax error\r\n", h.call("SORT", "l", "LIMIT", "1"));
        assertEquals("-ERR syntax error\r\n", h.call("SORT_RO", "l", "STORE", "d"));
        assertEquals("-ERR syntax error\r\n", h.call("SORT", "l", "STORE"));
        assertEquals("*0\r\n", h.call("SORT", "nokey", "ALPHA", "LIMIT", "0", "5"));
    }

    @Test
    void sortedSetsAreConvertedAndReadByRankWithoutSorting() {
        h.call("ZADD", "z", "3", "c", "1", "a", "2", "b", "10", "j", "5", "e", "4", "d");
        assertEquals("listpack", dev.cinnabar.datatypes.value.ZSetType.TYPE.encoding(db.entry(b("z")).value()));
        long dirty = h.server.keyspace().dirty;
        assertEquals(bulks("a", "b", "c", "d", "e", "j"), h.call("SORT_RO", "z", "ALPHA"));
        assertEquals("skiplist", dev.cinnabar.datatypes.value.ZSetType.TYPE.encoding(db.entry(b("z")).value()));
        assertEquals(dirty, h.server.keyspace().dirty);
        assertEquals(bulks("b", "c", "d"), h.call("SORT", "z", "BY", "nosort", "LIMIT", "1", "3"));
        assertEquals(bulks("e", "d", "c"), h.call("SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "3"));
        assertEquals(bulks("j", "e"), h.call("SORT", "z", "BY", "nosort", "DESC", "LIMIT", "-4", "2"));
        assertEquals("*0\r\n", h.call("SORT", "z", "BY", "nosort", "LIMIT", "6", "2"));
        assertEquals(":2\r\n", h.call("SORT", "z", "BY", "nosort", "LIMIT", "4", "5", "STORE", "d"));
        assertEquals(bulks("e", "j"), h.call("LRANGE", "d", "0", "-1"));
    }
}
