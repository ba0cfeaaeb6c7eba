package dev.cinnabar.datatypes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LongDoubleTest {
    private static LongDouble parse(String s) {
        return LongDouble.parse(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** What INCRBYFLOAT replies for a stored value (null: missing key) plus an increment. */
    private static String incrByFloat(String stored, String increment) {
        LongDouble value = stored == null ? LongDouble.POSITIVE_ZERO : parse(stored);
        LongDouble incr = parse(increment);
        if (value == null || incr == null) {
            return "ERRFLOAT";
        }
        LongDouble sum = value.add(incr);
        if (!sum.isFinite()) {
            return "ERRNAN";
        }
        return sum.toHumanString();
    }

    @Test
    void examplesFromTheRedisNotes() {
        assertEquals("10.6", incrByFloat("10.5", "0.1"));
        assertEquals("4.5", incrByFloat("3.0", "1.50"));
        assertEquals("1000000000000000000008997324079559193870523944273290747938260082321265646596180935755849152083750497190350372508614274835903592556184672983913096260520748646287327135641843653294084255107606016789726652932370030551382947620994540294772781889620606179267611627097410650567187386105690089424915104006144",
                incrByFloat("0", "1e300"));
    }

    @Test
    void acceptsWhatStrtoldAccepts() {
        assertEquals("100000", incrByFloat(null, "1e5"));
        assertEquals("8", incrByFloat(null, "0x1p3"));
        assertEquals("3", incrByFloat(null, "0x1.8p1"));
        assertEquals("16", incrByFloat(null, "0X10"));
        assertEquals("1", incrByFloat(null, "+1"));
        assertEquals("0.5", incrByFloat(null, ".5"));
        assertEquals("5.5", incrByFloat("5.", "0.5"));
        assertEquals("1000", incrByFloat(null, "1E3"));
        assertEquals("0", incrByFloat(null, "-0"));
        assertEquals("0", incrByFloat(null, "-1e-20"));
        assertEquals("-0.5", incrByFloat(null, "-0.5"));
        // Subnormal but not zero: strtold reports ERANGE, Redis still takes it.
        assertEquals("0", incrByFloat(null, "1e-4940"));
    }

    @Test
    void refusesWhatRedisRefuses() {
        for (String s : new String[] {"", " 1", "1 ", "\t1", "nan", "-nan", "NaN", "nan(1)", "abc", "1e", "1e+",
                ".", "0x", "0x.p1", "0x1p", "1\u0000", "\u0000", "1e5000", "1e-5000", "1.2.3", "--1", "+-1",
                "infinit", "infinityy", "1_0", "0b1"}) {
            assertNull(parse(s), s);
        }
        // Redis copies the text into a buffer of MAX_CHARS bytes, terminator included.
        assertNull(parse("0".repeat(LongDouble.MAX_CHARS - 1) + "1"));
        assertEquals("1", parse("0".repeat(LongDouble.MAX_CHARS - 2) + "1").toHumanString());
    }

    @Test
    void infinityParsesButNeverMakesAResult() {
        assertTrue(parse("inf").isInfinite());
        assertTrue(parse("-Infinity").isInfinite());
        assertEquals("ERRNAN", incrByFloat(null, "INF"));
        assertEquals("ERRNAN", incrByFloat("inf", "-inf"));
        assertEquals("ERRNAN", incrByFloat("1.18973149535723176502e+4932", "1.18973149535723176502e+4932"));
        assertFalse(parse("inf").add(parse("-inf")).isFinite());
        assertTrue(parse("inf").add(parse("-inf")).isNaN());
    }

    @Test
    void integersAreExact() {
        assertEquals("9223372036854775807", LongDouble.of(Long.MAX_VALUE).toHumanString());
        assertEquals("-9223372036854775808", LongDouble.of(Long.MIN_VALUE).toHumanString());
        assertEquals("11", LongDouble.of(10).add(parse("1")).toHumanString());
        assertEquals("18446744073709551616", incrByFloat(null, "18446744073709551617"));
    }

    @Test
    void printsHalfwayCasesToEven() {
        assertEquals("1.00000381469726562", incrByFloat(null, "1.000003814697265625"));
        assertEquals("1.00001144409179688", incrByFloat(null, "1.000011444091796875"));
        assertEquals("0.00000000000000002", incrByFloat(null, "0.000000000000000025"));
        assertEquals("0.00000000000000002", incrByFloat(null, "0.000000000000000015"));
        assertEquals("0", incrByFloat(null, "0.000000000000000005"));
    }

    @Test
    void matchesEveryCaseReplayedOnRedis() throws IOException {
        List<String> failures = new ArrayList<>();
        int n = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                getClass().getResourceAsStream("incrbyfloat-cases.txt"), StandardCharsets.ISO_8859_1))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("#") || line.isEmpty()) {
                    continue;
                }
                String[] f = line.split(" ", 3);
                String got = incrByFloat(f[0].equals("-") ? null : f[0], f[1]);
                n++;
                if (!got.equals(f[2])) {
                    failures.add(line + "  got " + got);
                }
            }
        }
        assertTrue(n > 2000, "cases read: " + n);
        assertEquals(List.of(), failures.subList(0, Math.min(10, failures.size())), failures.size() + " failures");
    }
}
