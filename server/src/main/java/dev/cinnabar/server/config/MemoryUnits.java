package dev.cinnabar.server.config;

import java.math.BigInteger;
import java.util.Locale;

/**
 * Memory amounts as redis.conf writes them: digits with an optional unit, {@code k}/{@code m}/
 * {@code g} for powers of 1000 and {@code kb}/{@code mb}/{@code gb} for powers of 1024, in any
 * case. Values are unsigned 64-bit, carried in a {@code long}.
 */
public final class MemoryUnits {
    private static final long KB = 1024;
    private static final long MB = 1024 * 1024;
    private static final long GB = 1024L * 1024 * 1024;
    private static final BigInteger ULLONG_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private MemoryUnits() {
    }

    /**
     * Parses an amount, or returns null. Follows Redis exactly, quirks included: no sign is
     * accepted, a unit alone counts as zero ({@code "kb"} is 0), digits past 64 bits saturate
     * at the unsigned maximum rather than failing, and a unit that overflows wraps around.
     */
    public static Long parse(String text) {
        if (text.startsWith("-")) {
            return null;
        }
        int u = 0;
        while (u < text.length() && text.charAt(u) >= '0' && text.charAt(u) <= '9') {
            u++;
        }
        String unit = text.substring(u).toLowerCase(Locale.ROOT);
        long mul;
        switch (unit) {
            case "":
            case "b":
                mul = 1;
                break;
            case "k":
                mul = 1000;
                break;
            case "kb":
                mul = KB;
                break;
            case "m":
                mul = 1000 * 1000;
                break;
            case "mb":
                mul = MB;
                break;
            case "g":
                mul = 1000L * 1000 * 1000;
                break;
            case "gb":
                mul = GB;
                break;
            default:
                return null;
        }
        if (u >= 128) {
            return null;
        }
        BigInteger v = u == 0 ? BigInteger.ZERO : new BigInteger(text.substring(0, u));
        if (v.compareTo(ULLONG_MAX) > 0) {
            v = ULLONG_MAX;
        }
        // Redis 7.0 multiplies without an overflow check: the product wraps around 2^64.
        return v.longValue() * mul;
    }

    /** The form CONFIG REWRITE writes: the largest of gb, mb, kb that divides exactly. */
    public static String format(long bytes) {
        if (bytes != 0 && bytes % GB == 0) {
            return bytes / GB + "gb";
        }
        if (bytes != 0 && bytes % MB == 0) {
            return bytes / MB + "mb";
        }
        if (bytes != 0 && bytes % KB == 0) {
            return bytes / KB + "kb";
        }
        return Long.toString(bytes);
    }
}
