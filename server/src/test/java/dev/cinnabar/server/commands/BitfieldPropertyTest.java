package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cinnabar.server.testing.EngineHarness;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * BITFIELD against a reference model: an array of bits and exact (BigInteger) arithmetic for
 * every width (i1..i64, u1..u63) and every OVERFLOW mode, through random commands of several
 * operations. The replies and the string's bytes must be the model's.
 */
class BitfieldPropertyTest {
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);
    private final EngineHarness h = new EngineHarness();
    private final Random r = new Random(20260);
    private final boolean[] bits = new boolean[8 * 200];
    private int length;

    private BigInteger read(long offset, int w, boolean signed) {
        BigInteger v = BigInteger.ZERO;
        for (int i = 0; i < w; i++) {
            v = v.shiftLeft(1);
            long at = offset + i;
            if (at < (long) length * 8 && bits[(int) at]) {
                v = v.or(BigInteger.ONE);
            }
        }
        if (signed && v.testBit(w - 1)) {
            v = v.subtract(BigInteger.ONE.shiftLeft(w));
        }
        return v;
    }

    private void write(long offset, int w, BigInteger v) {
        BigInteger m = v.mod(BigInteger.ONE.shiftLeft(w));
        for (int i = 0; i < w; i++) {
            bits[(int) offset + i] = m.testBit(w - 1 - i);
        }
    }

    /** The value to store, or null under FAIL when {@code v} does not fit. */
    private static BigInteger fit(BigInteger v, int w, boolean signed, String mode) {
        BigInteger min = signed ? BigInteger.ONE.shiftLeft(w - 1).negate() : BigInteger.ZERO;
        BigInteger max = signed ? BigInteger.ONE.shiftLeft(w - 1).subtract(BigInteger.ONE)
                : BigInteger.ONE.shiftLeft(w).subtract(BigInteger.ONE);
        if (v.compareTo(min) >= 0 && v.compareTo(max) <= 0) {
            return v;
        }
        switch (mode) {
            case "FAIL":
                return null;
            case "SAT":
                return v.compareTo(max) > 0 ? max : min;
            default:
                BigInteger m = v.mod(BigInteger.ONE.shiftLeft(w));
                return signed && m.testBit(w - 1) ? m.subtract(BigInteger.ONE.shiftLeft(w)) : m;
        }
    }

    private long value(int w) {
        switch (r.nextInt(6)) {
            case 0:
                return r.nextLong();
            case 1:
                return r.nextInt(7) - 3;
            case 2:
                return (w >= 64 ? Long.MAX_VALUE : (1L << (w - 1))) + r.nextInt(5) - 2;
            case 3:
                return -(w >= 64 ? Long.MAX_VALUE : (1L << (w - 1))) + r.nextInt(5) - 2;
            case 4:
                return (w >= 63 ? Long.MAX_VALUE : (1L << w)) + r.nextInt(5) - 2;
            default:
                return r.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    @Test
    void everyWidthAndOverflowModeMatchesTheModel() {
        String[] modes = {"WRAP", "SAT", "FAIL"};
        for (int round = 0; round < 6000; round++) {
            List<String> cmd = new ArrayList<>(List.of(round % 5 == 0 ? "BITFIELD_RO" : "BITFIELD", "k"));
            StringBuilder expect = new StringBuilder();
            int ops = 1 + r.nextInt(4);
            expect.append('*').append(ops).append("\r\n");
            boolean readOnly = cmd.get(0).equals("BITFIELD_RO");
            String mode = "WRAP";
            // Offsets and values of the writes, applied after the growth all writes need.
            long highest = -1;
            List<Object[]> plan = new ArrayList<>();
            for (int i = 0; i < ops; i++) {
                boolean signed = r.nextBoolean();
                int w = signed ? 1 + r.nextInt(64) : 1 + r.nextInt(63);
                if (r.nextInt(8) == 0) {
                    w = signed ? 64 : 63;
                }
                String type = (signed ? "i" : "u") + w;
                long offset;
                String offsetArg;
                if (r.nextInt(3) == 0) {
                    long k = r.nextInt(1200 / w);
                    offset = k * w;
                    offsetArg = "#" + k;
                } else {
                    offset = r.nextInt(1200 - w);
                    offsetArg = Long.toString(offset);
                }
                int op = readOnly ? 0 : r.nextInt(3);
                if (op != 0 && r.nextInt(3) == 0) {
                    mode = modes[r.nextInt(3)];
                    cmd.add("OVERFLOW");
                    cmd.add(mode);
                }
                long v = value(w);
                if (op == 0) {
                    cmd.addAll(List.of("GET", type, offsetArg));
                } else {
                    cmd.addAll(List.of(op == 1 ? "SET" : "INCRBY", type, offsetArg, Long.toString(v)));
                    highest = Math.max(highest, offset + w - 1);
                }
                plan.add(new Object[] {op, signed, w, offset, v, mode});
            }
            if (highest >= 0) {
                length = (int) Math.max(length, (highest >>> 3) + 1);
            }
            for (Object[] p : plan) {
                int op = (int) p[0];
                boolean signed = (boolean) p[1];
                int w = (int) p[2];
                long offset = (long) p[3];
                long v = (long) p[4];
                String m = (String) p[5];
                BigInteger old = read(offset, w, signed);
                if (op == 0) {
                    expect.append(':').append(old).append("\r\n");
                    continue;
                }
                BigInteger target;
                if (op == 1) {
                    BigInteger given = BigInteger.valueOf(v);
                    if (!signed && v < 0) {
                        given = given.add(TWO_64);
                    }
                    target = fit(given, w, signed, m);
                    // Redis's quirk: its signed check computes max - value in 64 bits, which
                    // overflows for values within max of Long.MIN_VALUE, and SAT then stores
                    // the maximum (BITFIELD k OVERFLOW SAT SET i8 0 -9223372036854775808 stores 127).
                    BigInteger max = BigInteger.ONE.shiftLeft(w - 1).subtract(BigInteger.ONE);
                    if (signed && w < 64 && m.equals("SAT")
                            && max.subtract(given).compareTo(BigInteger.valueOf(Long.MAX_VALUE)) > 0) {
                        target = max;
                    }
                } else {
                    target = fit(old.add(BigInteger.valueOf(v)), w, signed, m);
                }
                if (target == null) {
                    expect.append("$-1\r\n");
                } else {
                    expect.append(':').append(op == 1 ? old : target).append("\r\n");
                    write(offset, w, target);
                }
            }
            String reply = h.call(cmd.toArray(new String[0]));
            assertEquals(expect.toString(), reply, "round " + round + ": " + cmd);
            if (round % 50 == 0) {
                assertEquals(":" + length + "\r\n", h.call("STRLEN", "k"));
                checkBytes();
            }
        }
        checkBytes();
    }

    private void checkBytes() {
        String got = h.call("GET", "k");
        if (length == 0) {
            assertEquals("$-1\r\n", got, "no write, no key");
            return;
        }
        StringBuilder want = new StringBuilder("$" + length + "\r\n");
        for (int i = 0; i < length; i++) {
            int b = 0;
            for (int j = 0; j < 8; j++) {
                b = b << 1 | (bits[i * 8 + j] ? 1 : 0);
            }
            want.append((char) b);
        }
        want.append("\r\n");
        // The harness decodes replies as ISO-8859-1, one char per byte.
        assertEquals(want.toString(), got);
    }
}
