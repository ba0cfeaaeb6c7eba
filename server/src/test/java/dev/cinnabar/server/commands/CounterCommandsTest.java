package dev.cinnabar.server.commands;

import static dev.cinnabar.server.commands.StringCommandsTest.NOT_INTEGER;
import static dev.cinnabar.server.commands.StringCommandsTest.WRONGTYPE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.cinnabar.datatypes.value.StringType;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.testing.BoxType;
import dev.cinnabar.server.testing.EngineHarness;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** INCR, DECR, INCRBY, DECRBY and INCRBYFLOAT. */
class CounterCommandsTest {
    private static final String OVERFLOW = "-ERR increment or decrement would overflow\r\n";
    private static final String NOT_FLOAT = "-ERR value is not a valid float\r\n";
    private static final String NAN = "-ERR increment would produce NaN or Infinity\r\n";

    private final EngineHarness h = new EngineHarness();
    private final Db db = h.server.keyspace().db(0);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Object value(String key) {
        return db.entry(b(key)).value();
    }

    private static String bulk(String s) {
        return "$" + s.length() + "\r\n" + s + "\r\n";
    }

    @Test
    void incrementsAndDecrements() {
        assertEquals(":1\r\n", h.call("INCR", "k"));
        assertEquals(":2\r\n", h.call("incr", "k"));
        assertEquals(":12\r\n", h.call("INCRBY", "k", "10"));
        assertEquals(":-8\r\n", h.call("INCRBY", "k", "-20"));
        assertEquals(":-9\r\n", h.call("DECR", "k"));
        assertEquals(":-14\r\n", h.call("DECRBY", "k", "5"));
        assertEquals(":-9\r\n", h.call("DECRBY", "k", "-5"));
        assertEquals(":-1\r\n", h.call("DECR", "new"));
        assertEquals("int", StringType.TYPE.encoding(value("k")));
    }

    @Test
    void resultsAreSharedIntegersBelowTenThousand() {
        h.call("SET", "k", "9998");
        h.call("INCR", "k");
        assertSame(StringType.fromLong(9999), value("k"));
        h.call("INCR", "k");
        assertEquals(10000L, value("k"));
        assertEquals("int", StringType.TYPE.encoding(value("k")));
    }

    @Test
    void incrementArgumentMustBeAnInteger() {
        for (String bad : new String[] {"abc", "1.5", "9223372036854775808", "", " 1", "01", "+1"}) {
            assertEquals(NOT_INTEGER, h.call("INCRBY", "k", bad), bad);
            assertEquals(NOT_INTEGER, h.call("DECRBY", "k", bad), bad);
        }
        assertEquals(0, db.size());
    }

    @Test
    void storedValueMustBeAnInteger() {
        for (String bad : new String[] {"abc", " 1", "01", "1.0", "12345678901234567890", "-0", "a".repeat(50)}) {
            h.call("SET", "k", bad);
            assertEquals(NOT_INTEGER, h.call("INCR", "k"), bad);
        }
        // An integer that was grown by APPEND is still an integer.
        h.call("SET", "n", "10");
        h.call("APPEND", "n", "0");
        assertEquals("raw", StringType.TYPE.encoding(value("n")));
        assertEquals(":101\r\n", h.call("INCR", "n"));
        assertEquals("int", StringType.TYPE.encoding(value("n")));
    }

    @Test
    void overflowIsRefused() {
        h.call("SET", "k", "9223372036854775806");
        assertEquals(":9223372036854775807\r\n", h.call("INCR", "k"));
        assertEquals(OVERFLOW, h.call("INCR", "k"));
        assertEquals(OVERFLOW, h.call("INCRBY", "k", "9223372036854775807"));
        h.call("SET", "k", "-9223372036854775807");
        assertEquals(":-9223372036854775808\r\n", h.call("DECR", "k"));
        assertEquals(OVERFLOW, h.call("DECR", "k"));
        assertEquals(OVERFLOW, h.call("DECRBY", "k", "9223372036854775807"));
        assertEquals(":-1\r\n", h.call("INCRBY", "k", "9223372036854775807"));
        h.call("SET", "k", "0");
        // Negating the smallest integer is itself an overflow, with its own message.
        assertEquals("-ERR decrement would overflow\r\n", h.call("DECRBY", "k", "-9223372036854775808"));
        assertEquals(":-9223372036854775808\r\n", h.call("INCRBY", "k", "-9223372036854775808"));
    }

    @Test
    void otherTypesAreWrongTypeButTheArgumentIsCheckedFirst() {
        db.setKey(b("l"), BoxType.box(), false);
        assertEquals(WRONGTYPE, h.call("INCR", "l"));
        assertEquals(WRONGTYPE, h.call("DECR", "l"));
        assertEquals(WRONGTYPE, h.call("INCRBY", "l", "1"));
        assertEquals(NOT_INTEGER, h.call("INCRBY", "l", "abc"));
        assertEquals(NOT_INTEGER, h.call("DECRBY", "l", "x"));
        assertEquals(WRONGTYPE, h.call("INCRBYFLOAT", "l", "1"));
        // INCRBYFLOAT checks the type before it reads the increment.
        assertEquals(WRONGTYPE, h.call("INCRBYFLOAT", "l", "abc"));
    }

    @Test
    void countersKeepTheTtl() {
        h.call("SET", "k", "10", "EX", "100");
        long when = db.expireAt(b("k"));
        h.call("INCR", "k");
        h.call("INCRBYFLOAT", "k", "1.5");
        assertEquals(when, db.expireAt(b("k")));
        assertEquals(bulk("12.5"), h.call("GET", "k"));
    }

    @Test
    void incrbyfloatPrintsLikeALongDouble() {
        assertEquals(bulk("10.5"), h.call("INCRBYFLOAT", "k", "10.5"));
        assertEquals(bulk("10.6"), h.call("INCRBYFLOAT", "k", "0.1"));
        h.call("SET", "k", "3.0");
        assertEquals(bulk("4.5"), h.call("INCRBYFLOAT", "k", "1.50"));
        assertEquals(bulk("100000"), h.call("INCRBYFLOAT", "e", "1e5"));
        assertEquals(bulk("8"), h.call("INCRBYFLOAT", "h", "0x1p3"));
        assertEquals(bulk("1.23456789012345679"), h.call("INCRBYFLOAT", "p", "1.23456789012345678901234567890"));
        h.call("SET", "big", "1000000000000000000");
        assertEquals(bulk("1000000000000000000.125"), h.call("INCRBYFLOAT", "big", "0.1"));
        assertEquals(bulk("0"), h.call("INCRBYFLOAT", "z", "-1e-20"));
        assertEquals(bulk("1000000000000000000008997324079559193870523944273290747938260082321265646596180935755849152"
                + "0837504971903503725086142748359035925561846729839130962605207486462873271356418436532940842551076"
                + "0601678972665293237003055138294762099454029477278188962060617926761162709741065056718738610569008"
                + "9424915104006144"), h.call("INCRBYFLOAT", "huge", "1e300"));
    }

    @Test
    void incrbyfloatResultsAreStoredAsText() {
        h.call("SET", "i", "10");
        assertEquals(bulk("11"), h.call("INCRBYFLOAT", "i", "1"));
        assertEquals("embstr", StringType.TYPE.encoding(value("i")));
        h.call("INCRBYFLOAT", "huge", "1e100");
        assertEquals("raw", StringType.TYPE.encoding(value("huge")));
        // The text of a whole result is an integer again for INCR.
        assertEquals(":12\r\n", h.call("INCR", "i"));
        assertEquals("int", StringType.TYPE.encoding(value("i")));
    }

    @Test
    void incrbyfloatRefusesBadNumbers() {
        for (String bad : new String[] {" 1", "1 ", "nan", "-nan", "", "1e", "abc", "1e5000", "1e-5000", "1\u0000"}) {
            assertEquals(NOT_FLOAT, h.call("INCRBYFLOAT", "k", bad), bad);
        }
        assertEquals(0, db.size());
        for (String stored : new String[] {"abc", " 1", "1e"}) {
            h.call("SET", "s", stored);
            assertEquals(NOT_FLOAT, h.call("INCRBYFLOAT", "s", "1"), stored);
            // The stored value is read first.
            assertEquals(NOT_FLOAT, h.call("INCRBYFLOAT", "s", "inf"), stored);
        }
    }

    @Test
    void incrbyfloatNeverStoresInfinity() {
        assertEquals(NAN, h.call("INCRBYFLOAT", "k", "inf"));
        assertEquals(NAN, h.call("INCRBYFLOAT", "k", "-Infinity"));
        assertEquals(0, db.size());
        h.call("SET", "s", "inf");
        assertEquals(NAN, h.call("INCRBYFLOAT", "s", "1"));
        h.call("SET", "m", "1.18973149535723176502e+4932");
        assertEquals(NAN, h.call("INCRBYFLOAT", "m", "1.18973149535723176502e+4932"));
    }
}
