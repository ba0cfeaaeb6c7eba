package dev.cinnabar.server.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;

class LuaNumbersTest {

    /** A slow, obviously right %.14g: the exact value rounded half-even, laid out as C does. */
    static String reference(double v) {
        if (v != v) {
            return Double.doubleToRawLongBits(v) < 0 ? "-nan" : "nan";
        }
        if (Double.isInfinite(v)) {
            return v < 0 ? "-inf" : "inf";
        }
        if (v == 0) {
            return Double.doubleToRawLongBits(v) < 0 ? "-0" : "0";
        }
        BigDecimal bd = new BigDecimal(v).round(new MathContext(14, RoundingMode.HALF_EVEN));
        int x = bd.precision() - bd.scale() - 1;
        if (x < -4 || x >= 14) {
            String digits = bd.unscaledValue().abs().toString().replaceAll("0+$", "");
            String mant = digits.length() > 1 ? digits.charAt(0) + "." + digits.substring(1) : digits;
            return (v < 0 ? "-" : "") + mant + "e" + (x < 0 ? "-" : "+") + (Math.abs(x) < 10 ? "0" : "")
                + Math.abs(x);
        }
        String plain = bd.toPlainString();
        if (plain.contains(".")) {
            plain = plain.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return plain;
    }

    @Test
    void formatMatchesTheReferenceOnRandomDoubles() {
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < 200_000; i++) {
            double v;
            switch (i % 4) {
                case 0 -> v = Double.longBitsToDouble(r.nextLong());
                case 1 -> v = r.nextDouble() * Math.pow(10, r.nextInt(-20, 20));
                case 2 -> v = r.nextInt(-1_000_000, 1_000_000) / 1000.0;
                default -> v = (double) r.nextLong(-(1L << 53), 1L << 53) * (r.nextBoolean() ? 1 : 1e-3);
            }
            assertEquals(reference(v), LuaNumbers.format(v), "bits " + Long.toHexString(Double.doubleToRawLongBits(v)));
        }
    }

    @Test
    void knownValues() {
        assertEquals("1e+15", LuaNumbers.format(1e15));
        assertEquals("0.1", LuaNumbers.format(0.1));
        assertEquals("0.33333333333333", LuaNumbers.format(1.0 / 3));
        assertEquals("-0", LuaNumbers.format(-0.0));
        assertEquals("-nan", LuaNumbers.format(Double.longBitsToDouble(0xfff8000000000000L)));
        assertEquals("nan", LuaNumbers.format(Double.NaN));
        assertEquals("4.9406564584125e-324", LuaNumbers.format(Double.MIN_VALUE));
        assertEquals("1e+100", LuaNumbers.format(1e100));
        assertEquals("123456789012", LuaNumbers.format(123456789012.0));
    }

    @Test
    void str2numberReadsAsLua51() {
        assertEquals(LuaValue.valueOf(16), LuaNumbers.str2number(LuaString.valueOf(" 0x10 ")));
        assertEquals(LuaValue.valueOf(100), LuaNumbers.str2number(LuaString.valueOf("1e2")));
        assertEquals(LuaValue.NIL, LuaNumbers.str2number(LuaString.valueOf("1e")));
        assertEquals(LuaValue.NIL, LuaNumbers.str2number(LuaString.valueOf("")));
        assertEquals(LuaValue.valueOf(12), LuaNumbers.str2number(LuaString.valueOf("12\0junk")));
        assertEquals(LuaValue.valueOf(0.5), LuaNumbers.str2number(LuaString.valueOf(".5")));
        assertEquals(LuaValue.valueOf(24), LuaNumbers.str2number(LuaString.valueOf("0x1.8p4")));
    }
}
