package dev.cinnabar.server.memory;

import dev.cinnabar.datatypes.Doubles;

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
                return Doubles.fixed(n / unit, 2) + u;
            }
            unit *= 1024;
        }
        return Long.toUnsignedString(n) + "B";
    }

}
