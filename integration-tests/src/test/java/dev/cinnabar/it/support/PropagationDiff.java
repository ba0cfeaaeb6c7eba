package dev.cinnabar.it.support;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Compares two propagated streams command by command. Arguments are compared byte for byte,
 * except absolute times taken from the clock: the value after {@code PXAT}/{@code EXAT} in SET
 * and GETEX, and the time of {@code PEXPIREAT}/{@code EXPIREAT}. Two such values are equal when
 * they differ by at most the tolerance, provided the expected one lies within a year of the
 * present: a time computed from the clock (SET EX 10 becomes PXAT now+10000) is near the
 * present, while a time written in a scenario (EXAT 1, PXAT 4102444800000) is not and must
 * match exactly, so a wrong unit conversion of such a literal is not forgiven. Both sides must
 * run against the real wall clock for this to hold.
 */
public final class PropagationDiff {
    public static final long DEFAULT_TOLERANCE_MILLIS = 5_000;
    /** Expected times within this distance of the present are taken as read from the clock. */
    static final long NEAR_PRESENT_MILLIS = 366L * 24 * 3600 * 1000;

    private final long toleranceMillis;
    private final long nowMillis;

    public PropagationDiff(long toleranceMillis, long nowMillis) {
        this.toleranceMillis = toleranceMillis;
        this.nowMillis = nowMillis;
    }

    /** With the default tolerance, around the current wall-clock time. */
    public static PropagationDiff now() {
        return new PropagationDiff(DEFAULT_TOLERANCE_MILLIS, System.currentTimeMillis());
    }

    /**
     * Null when the streams are the same, else a readable report: both streams aligned as a
     * line diff ({@code -} only in expected, {@code +} only in actual, {@code ~} equal up to
     * the time tolerance). With {@code anyOrder}, both are sorted first (times masked).
     */
    public String compare(List<List<byte[]>> expected, List<List<byte[]>> actual, boolean anyOrder) {
        List<List<byte[]>> e = expected;
        List<List<byte[]>> a = actual;
        if (anyOrder) {
            e = sortedMasked(expected);
            a = sortedMasked(actual);
        }
        int n = e.size();
        int m = a.size();
        // longest common subsequence under sameCommand, then walked from the front
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = sameCommand(e.get(i), a.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        if (lcs[0][0] == n && n == m) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && sameCommand(e.get(i), a.get(j))) {
                out.append(identical(e.get(i), a.get(j)) ? "    " + render(e.get(i))
                        : "  ~ " + render(e.get(i)) + "   (actual: " + render(a.get(j)) + ")");
                i++;
                j++;
            } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
                out.append("  - ").append(render(e.get(i++)));
            } else {
                out.append("  + ").append(render(a.get(j++)));
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** Throws an AssertionError with the scenario, the diff and both streams when they differ. */
    public void assertSame(PropagationScenario s, String expectedName, List<List<byte[]>> expected,
            String actualName, List<List<byte[]>> actual) {
        String diff = compare(expected, actual, s.anyOrder);
        if (diff != null) {
            throw new AssertionError("propagation of " + s + " differs (- " + expectedName + " only, + " + actualName
                    + " only" + (s.anyOrder ? ", both sorted" : "") + "):\n" + diff + "scenario:\n" + s.text()
                    + "\n" + expectedName + ":\n" + show(expected) + actualName + ":\n" + show(actual));
        }
    }

    private static boolean identical(List<byte[]> x, List<byte[]> y) {
        if (x.size() != y.size()) {
            return false;
        }
        for (int i = 0; i < x.size(); i++) {
            if (!Arrays.equals(x.get(i), y.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Same command: same length, byte-equal arguments except clock times within the tolerance. */
    public boolean sameCommand(List<byte[]> expected, List<byte[]> actual) {
        if (expected.size() != actual.size()) {
            return false;
        }
        for (int i = 0; i < expected.size(); i++) {
            if (Arrays.equals(expected.get(i), actual.get(i))) {
                continue;
            }
            long unit = timeUnit(expected, i);
            if (unit == 0 || timeUnit(actual, i) != unit) {
                return false;
            }
            Long x = number(expected.get(i));
            Long y = number(actual.get(i));
            if (x == null || y == null) {
                return false;
            }
            boolean nearPresent = Math.abs(x * unit - nowMillis) <= NEAR_PRESENT_MILLIS;
            if (!nearPresent || Math.abs(x - y) * unit > toleranceMillis) {
                return false;
            }
        }
        return true;
    }

    /**
     * 1 when argument {@code i} is an absolute time in milliseconds, 1000 when in seconds, 0 when
     * it is not a time: the argument after PXAT/EXAT in SET (from the 4th) and GETEX (from the
     * 3rd), the 3rd argument of PEXPIREAT/EXPIREAT and RESTORE, and the argument after TIME in XCLAIM.
     */
    static long timeUnit(List<byte[]> cmd, int i) {
        if (cmd.isEmpty()) {
            return 0;
        }
        byte[] name = cmd.get(0);
        if (i == 2 && (ReplicationStream.is(name, "PEXPIREAT") || ReplicationStream.is(name, "RESTORE")
                || ReplicationStream.is(name, "RESTORE-ASKING"))) {
            return 1; // RESTORE: the TTL, made absolute (with ABSTTL) when it was relative
        }
        if (i == 2 && ReplicationStream.is(name, "EXPIREAT")) {
            return 1000;
        }
        if (ReplicationStream.is(name, "XCLAIM") && i >= 7 && ReplicationStream.is(cmd.get(i - 1), "TIME")) {
            return 1; // the delivery time XREADGROUP, XCLAIM and XAUTOCLAIM propagate
        }
        int first = ReplicationStream.is(name, "SET") ? 4 : ReplicationStream.is(name, "GETEX") ? 3 : -1;
        if (first < 0 || i < first) {
            return 0;
        }
        byte[] option = cmd.get(i - 1);
        return ReplicationStream.is(option, "PXAT") ? 1 : ReplicationStream.is(option, "EXAT") ? 1000 : 0;
    }

    private static Long number(byte[] b) {
        try {
            return Long.parseLong(new String(b, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static List<List<byte[]>> sortedMasked(List<List<byte[]>> stream) {
        List<List<byte[]>> s = new ArrayList<>(stream);
        s.sort(Comparator.comparing(PropagationDiff::masked));
        return s;
    }

    private static String masked(List<byte[]> cmd) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cmd.size(); i++) {
            b.append(i == 0 ? "" : " ").append(timeUnit(cmd, i) != 0 ? "<time>" : quote(cmd.get(i)));
        }
        return b.toString();
    }

    /** A stream, one command per line, numbered. */
    public static String show(List<List<byte[]>> stream) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < stream.size(); i++) {
            b.append(String.format("  %3d  %s%n", i + 1, render(stream.get(i))));
        }
        return stream.isEmpty() ? "  (nothing)\n" : b.toString();
    }

    /** One command as a redis-cli line: plain words bare, anything else in double quotes with escapes. */
    public static String render(List<byte[]> cmd) {
        StringBuilder b = new StringBuilder();
        for (byte[] arg : cmd) {
            b.append(b.length() == 0 ? "" : " ").append(quote(arg));
        }
        return b.toString();
    }

    static String quote(byte[] arg) {
        boolean plain = arg.length > 0;
        for (byte c : arg) {
            if (c <= ' ' || c >= 127 || c == '"' || c == '\'' || c == '\\') {
                plain = false;
                break;
            }
        }
        if (plain) {
            return new String(arg, StandardCharsets.US_ASCII);
        }
        StringBuilder b = new StringBuilder("\"");
        for (byte c : arg) {
            int u = c & 0xff;
            switch (u) {
                case '\\': b.append("\\\\"); break;
                case '"': b.append("\\\""); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                default:
                    if (u < ' ' || u >= 127) {
                        b.append(String.format("\\x%02x", u));
                    } else {
                        b.append((char) u);
                    }
            }
        }
        return b.append('"').toString();
    }
}
