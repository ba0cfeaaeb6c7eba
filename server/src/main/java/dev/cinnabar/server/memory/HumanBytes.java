package dev.cinnabar.server.memory;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Redis's number formats for memory figures: {@code 1.23M}, {@code 0B}, and C's {@code %.2f}. */
public final class HumanBytes {
    private static final String[] UNITS = {"K", "M", "G", "T", "P"};

    private HumanBytes() {
    }

    /**
     * Bytes as Redis's bytesToHuman writes them: plain bytes below 1024, else two decimals of
     * the largest unit up to P; anything larger falls back to plain bytes.
     */
    public static String of(long n) {
        if (n >= 0 && n < 1024) {
            return n + "B";
        }
        double unit = 1024;
        for (String u : UNITS) {
            if (n >= 0 && n < unit * 1024) {
                return fixed(n / unit, 2) + u;
            }
            unit *= 1024;
        }
        return Long.toUnsignedString(n) + "B";
    }

    /**
     * C's {@code %.Nf}: the exact binary value rounded half to even, which is what glibc prints
     * (Java's own formatting rounds the decimal expansion half up and differs on ties).
     */
    public static String fixed(double v, int decimals) {
        if (Double.isNaN(v)) {
            return v < 0 ? "-nan" : "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        String s = new BigDecimal(v).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
        // A negative value that rounds to zero keeps its sign in C.
        if (v < 0 || (v == 0 && 1 / v < 0)) {
            if (!s.startsWith("-")) {
                s = "-" + s;
            }
        }
        return s;
    }
}
