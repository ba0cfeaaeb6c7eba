package dev.cinnabar.datatypes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DoublesTest {
    private static String g(double v) {
        return Doubles.format17gString(v);
    }

    private static double parse(String s) {
        return Doubles.parse(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void formatsLikePercent17g() {
        assertEquals("0.10000000000000001", g(0.1));
        assertEquals("1e+20", g(1e20));
        assertEquals("1e+17", g(1e17));
        assertEquals("10000000000000000", g(1e16));
        assertEquals("15000000000000000", g(1.5e16));
        assertEquals("1.2345678901234568e+20", g(123456789012345680000.0));
        assertEquals("0.0001", g(0.0001));
        assertEquals("1.0000000000000001e-05", g(0.00001));
        assertEquals("-9.9998886718268301e-321", g(-1e-320));
        assertEquals("4.9406564584124654e-324", g(Double.MIN_VALUE));
        assertEquals("1.7976931348623157e+308", g(Double.MAX_VALUE));
        assertEquals("inf", g(Double.POSITIVE_INFINITY));
        assertEquals("-inf", g(Double.NEGATIVE_INFINITY));
        assertEquals("0", g(0.0));
        assertEquals("-0", g(-0.0));
        assertEquals("-3", g(-3.0));
        assertEquals("2.5", g(2.5));
        assertEquals("123.456", g(123.456));
        assertEquals("0.30000000000000004", g(0.1 + 0.2));
    }

    @Test
    void parsesStrictly() {
        assertEquals(100000.0, parse("1e5"));
        assertEquals(8.0, parse("0x1p3"));
        assertEquals(0.5, parse(".5"));
        assertEquals(5.0, parse("5."));
        assertEquals(1.0, parse("+1"));
        assertEquals(Double.POSITIVE_INFINITY, parse("inf"));
        assertEquals(Double.NEGATIVE_INFINITY, parse("-Infinity"));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(parse("-0")));
        assertEquals(Double.MIN_VALUE, parse("2.4703282292062328e-324"));
        for (String s : new String[] {"", " 1", "1 ", "nan", "NaN", "-nan", "1e400", "1e-400",
                "2.4703282292062327e-324", "1.7976931348623159e308", "0x1p1024", "0x1p-1076", "1e", "0x",
                "abc", "1\u0000", "1d", "1f", ".", "1,5"}) {
            assertTrue(Double.isNaN(parse(s)), s);
        }
        assertEquals(1.5, parse("0x1.8"));
    }

    @Test
    void matchesEveryCaseReplayedOnRedis() throws IOException {
        List<String> failures = new ArrayList<>();
        int n = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                getClass().getResourceAsStream("double-cases.txt"), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("#") || line.isEmpty()) {
                    continue;
                }
                int tab = line.lastIndexOf('\t');
                String input = unquote(line.substring(0, tab));
                String expected = line.substring(tab + 1);
                double v = parse(input);
                String got = Double.isNaN(v) ? "ERR" : g(v);
                n++;
                if (!got.equals(expected)) {
                    failures.add(line + "  got " + got);
                }
            }
        }
        assertTrue(n > 1500, "cases read: " + n);
        assertEquals(List.of(), failures.subList(0, Math.min(10, failures.size())), failures.size() + " failures");
    }

    /** A JSON string literal's value (the fixture's inputs are written that way). */
    private static String unquote(String json) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < json.length() - 1; i++) {
            char c = json.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = json.charAt(++i);
            switch (e) {
                case 'u':
                    sb.append((char) Integer.parseInt(json.substring(i + 1, i + 5), 16));
                    i += 4;
                    break;
                case 't':
                    sb.append('\t');
                    break;
                case 'n':
                    sb.append('\n');
                    break;
                default:
                    sb.append(e);
            }
        }
        return sb.toString();
    }

    @Test
    void fixedDecimalsRoundLikeC() {
        assertEquals("0.12", Doubles.fixed(0.125, 2));
        assertEquals("0.38", Doubles.fixed(0.375, 2));
        assertEquals("2.67", Doubles.fixed(2.675, 2)); // 2.67499999... in binary
        assertEquals("14.62", Doubles.fixed(14.625, 2));
        assertEquals("22.015", Doubles.fixed(22015 / 1000.0, 3));
    }

    @Test
    void fixedRoundsTheExactBinaryValueLikeGlibc() {
        // 893.28125 is exact in binary: a tie, rounded to even like printf, not up like Java's format.
        assertEquals("893.28", Doubles.fixed(893.28125, 2));
        assertEquals("0.13", Doubles.fixed(0.125 + 1e-12, 2));
        assertEquals("0.12", Doubles.fixed(0.125, 2));
        // 1.005 is slightly below in binary, so it rounds down.
        assertEquals("1.00", Doubles.fixed(1.005, 2));
        assertEquals("-0.00", Doubles.fixed(-0.001, 2));
        assertEquals("100.00", Doubles.fixed(100f, 2));
        assertEquals("inf", Doubles.fixed(Double.POSITIVE_INFINITY, 2));
    }

    private static double strtod(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return Doubles.parseStrtod(b, 0, b.length);
    }

    private static double strict(String s) {
        return Doubles.parse(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void strtodAsScoreRangesReadIt() {
        assertEquals(0.0, strtod(""));
        assertEquals(1.0, strtod(" 1"));
        assertEquals(1.0, strtod("\t\n1"));
        assertTrue(Double.isNaN(strtod("1 ")));
        assertTrue(Double.isNaN(strtod("  ")));
        assertEquals(1.0, strtod("1\u0000junk"));
        assertEquals(0.0, strtod("\u0000junk"));
        assertEquals(Double.POSITIVE_INFINITY, strtod("1e400"));
        assertEquals(Double.NEGATIVE_INFINITY, strtod("-infinity"));
        assertEquals(0.0, strtod("1e-400"));
        assertTrue(Double.isNaN(strtod("nan")));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(strtod("-0")));
        assertEquals(5.0, strtod("+5"));
        assertEquals(7.0, strtod("007"));
        assertEquals(16.0, strtod("0x10"));
        assertEquals(123456789012345.0, strtod("123456789012345"));
        assertEquals(1234567890123456789.0, strtod("1234567890123456789"));
        assertTrue(Double.isNaN(strtod("-")));
        assertTrue(Double.isNaN(strtod("1-")));
    }

    /**
     * The integer arithmetic of the usual range against BigDecimal's exact rounding: scores of
     * every magnitude it takes, values at powers of ten, and halfway cases (an odd multiple of a
     * quarter near 2^53 has 18 digits ending in 5, so its 17th digit rounds to even).
     */
    @Test
    void seventeenDigitsByIntegersAgreeWithBigDecimal() {
        Random r = new Random(17);
        int fast = 0;
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 1_500_000; i++) {
            double v;
            switch (i % 6) {
                case 0 -> v = r.nextDouble() * Math.pow(10, r.nextInt(22) - 3);
                case 1 -> v = Double.longBitsToDouble(r.nextLong());
                case 2 -> v = ((r.nextLong() & ((1L << 52) - 1)) | (1L << 52) | 1) / 4.0;
                case 3 -> v = Math.nextAfter(Math.pow(10, r.nextInt(20) - 3), r.nextBoolean() ? 0 : Double.MAX_VALUE);
                case 4 -> v = Double.parseDouble(r.nextInt(1000) + "." + r.nextInt(1_000_000));
                default -> v = -r.nextDouble() * 1000;
            }
            byte[] got = Doubles.format17gFast(v);
            if (got == null) {
                continue;
            }
            fast++;
            String expected = Doubles.format17gSlow(v);
            if (!expected.equals(new String(got, StandardCharsets.US_ASCII)) && failures.size() < 10) {
                failures.add(v + ": " + expected + " got " + new String(got, StandardCharsets.US_ASCII));
            }
        }
        assertEquals(List.of(), failures);
        assertTrue(fast > 1_000_000, "values on the fast path: " + fast);
        assertEquals("1125899906842624.2", g(1125899906842624.25), "a tie rounds to the even digit");
        assertEquals("1125899906842624.8", g(1125899906842624.75));
        assertEquals("0.01", g(0.01));
        assertEquals("99999999999999.984", g(99999999999999.984));
    }

    /** What Redis writes, read back: every score survives the trip, as with strtod. */
    @Test
    void seventeenDigitTextsReadBackToTheSameDouble() {
        Random r = new Random(5);
        for (int i = 0; i < 300_000; i++) {
            double v = i % 2 == 0 ? r.nextDouble() * Math.pow(10, r.nextInt(40) - 20)
                    : Double.longBitsToDouble(r.nextLong());
            if (Double.isNaN(v)) {
                continue;
            }
            byte[] text = Doubles.format17g(v);
            String s = new String(text, StandardCharsets.US_ASCII);
            assertEquals(Double.doubleToRawLongBits(v), Double.doubleToRawLongBits(Doubles.parseStrtod(text, 0, text.length)), s);
            if (!Double.isInfinite(v) && v != 0 && Math.abs(v) >= Double.MIN_NORMAL) {
                assertEquals(Double.doubleToRawLongBits(v), Double.doubleToRawLongBits(parse(s)), s);
            }
        }
    }

    @Test
    void plainDecimalsReadAsJavaReadsThem() {
        Random r = new Random(9);
        for (int i = 0; i < 300_000; i++) {
            StringBuilder sb = new StringBuilder();
            if (r.nextInt(4) == 0) {
                sb.append(r.nextBoolean() ? '-' : '+');
            }
            int digits = 1 + r.nextInt(25);
            int point = r.nextInt(digits + 1);
            for (int d = 0; d < digits; d++) {
                if (d == point) {
                    sb.append('.');
                }
                sb.append((char) ('0' + r.nextInt(10)));
            }
            if (r.nextInt(3) == 0) {
                sb.append(r.nextBoolean() ? 'e' : 'E').append(r.nextInt(5) == 0 ? "-" : "").append(r.nextInt(330));
            }
            String s = sb.toString();
            double expected = Double.parseDouble(s);
            double got = strtod(s);
            assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(got), s);
            double strict = parse(s);
            if (Double.isInfinite(expected) || (expected == 0 && s.matches(".*[1-9].*e.*"))) {
                assertTrue(Double.isNaN(strict), s);
            } else if (expected != 0) {
                assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(strict), s);
            }
        }
    }

    @Test
    void strictParseKeepsItsRulesOnTheIntegerFastPath() {
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(strict("-0")));
        assertEquals(1.0, strict("+1"));
        assertEquals(10.0, strict("010"));
        assertTrue(Double.isNaN(strict(" 1")));
        assertTrue(Double.isNaN(strict("")));
        assertTrue(Double.isNaN(strict("+")));
        assertTrue(Double.isNaN(strict("1e400")));
    }
}
