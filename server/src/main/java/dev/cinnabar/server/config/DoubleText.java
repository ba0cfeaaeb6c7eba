package dev.cinnabar.server.config;

import java.util.regex.Pattern;

/** Decimal floating-point text as Redis's string2d accepts it. */
final class DoubleText {
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern INFINITY = Pattern.compile("[+-]?(?i:inf|infinity)");

    private DoubleText() {
    }

    /**
     * The value, or null: no blanks, nothing after the number, no NaN, and no value that
     * overflows or underflows to zero.
     */
    static Double parse(String s) {
        if (INFINITY.matcher(s).matches()) {
            return s.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (!DECIMAL.matcher(s).matches()) {
            return null;
        }
        double d = Double.parseDouble(s);
        if (Double.isInfinite(d)) {
            return null;
        }
        if (d == 0 && hasNonZeroDigit(s)) {
            return null;
        }
        return d;
    }

    private static boolean hasNonZeroDigit(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 'e' || c == 'E') {
                return false;
            }
            if (c >= '1' && c <= '9') {
                return true;
            }
        }
        return false;
    }
}
