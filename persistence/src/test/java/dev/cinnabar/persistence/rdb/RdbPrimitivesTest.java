package dev.cinnabar.persistence.rdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RdbPrimitivesTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String hex(RdbOutput out) {
        return HexFormat.of().formatHex(out.toByteArray());
    }

    private static byte[] readString(byte[] b) {
        try {
            return new RdbInput(b).readString();
        } catch (RdbFormatException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void lengthsUseRedisFourWidths() {
        RdbOutput out = new RdbOutput(false);
        out.writeLength(63);
        out.writeLength(64);
        out.writeLength(16383);
        out.writeLength(16384);
        out.writeLength(1L << 32);
        assertEquals("3f" + "4040" + "7fff" + "8000004000" + "810000000100000000", hex(out));
    }

    @Test
    void stringsAreIntegersWhenCanonicalAndThirtyTwoBit() {
        RdbOutput out = new RdbOutput(false);
        out.writeString(bytes("12"));
        out.writeString(bytes("-300"));
        out.writeString(bytes("70000"));
        out.writeString(bytes("012"));
        out.writeString(bytes("4294967296"));
        assertEquals("c00c" + "c1d4fe" + "c270110100" + "03303132" + "0a34323934393637323936", hex(out));
    }

    @Test
    void longStringsCompressOnlyWhenAsked() {
        byte[] text = bytes("a".repeat(100));
        RdbOutput plain = new RdbOutput(false);
        plain.writeString(text);
        assertEquals(2 + 100, plain.toByteArray().length);
        RdbOutput compressed = new RdbOutput(true);
        compressed.writeString(text);
        byte[] c = compressed.toByteArray();
        assertEquals(0xc3, c[0] & 0xff);
        assertArrayEquals(text, readString(c));
    }

    @Test
    void randomPiecesRoundTripFromMemoryAndFromAStream() throws Exception {
        Random r = new Random(7);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        RdbOutput out = new RdbOutput(file, true);
        RdbOutput mem = new RdbOutput(true);
        Object[] written = new Object[2000];
        for (int i = 0; i < written.length; i++) {
            switch (r.nextInt(4)) {
                case 0: {
                    long v = r.nextInt(4) == 0 ? r.nextLong() : r.nextInt(100000) - 50000;
                    written[i] = v;
                    out.writeLength(Math.abs(v));
                    mem.writeLength(Math.abs(v));
                    break;
                }
                case 1: {
                    byte[] s = new byte[r.nextInt(3) == 0 ? r.nextInt(200000) : r.nextInt(40)];
                    for (int k = 0; k < s.length; k++) {
                        s[k] = (byte) (r.nextBoolean() ? 'x' : r.nextInt(256));
                    }
                    written[i] = s;
                    out.writeString(s);
                    mem.writeString(s);
                    break;
                }
                case 2: {
                    double d = r.nextGaussian() * 1e6;
                    written[i] = d;
                    out.writeBinaryDouble(d);
                    mem.writeBinaryDouble(d);
                    break;
                }
                default: {
                    long v = r.nextLong();
                    written[i] = Long.toString(v);
                    out.writeString(v);
                    mem.writeString(v);
                }
            }
        }
        out.flush();
        assertArrayEquals(mem.toByteArray(), file.toByteArray());
        assertEquals(mem.crc(), out.crc());
        for (RdbInput in : new RdbInput[] {new RdbInput(mem.toByteArray()), new RdbInput(new ByteArrayInputStream(file.toByteArray()))}) {
            for (Object w : written) {
                if (w instanceof Long) {
                    assertEquals(Math.abs((Long) w), in.readLength());
                } else if (w instanceof byte[]) {
                    assertArrayEquals((byte[]) w, in.readString());
                } else if (w instanceof Double) {
                    assertEquals((Double) w, in.readBinaryDouble());
                } else {
                    assertEquals(w, new String(in.readString(), StandardCharsets.US_ASCII));
                }
            }
            assertTrue(in.atEnd());
            assertEquals(mem.crc(), in.crc());
        }
    }

    @Test
    void lyingLengthsFailWithoutAllocatingThem() {
        RdbOutput out = new RdbOutput(false);
        out.writeLength(1L << 40);
        byte[] b = out.toByteArray();
        assertThrows(RdbFormatException.class, () -> new RdbInput(b).readString());
        RdbOutput big = new RdbOutput(false);
        big.writeLength(2_000_000_000L);
        big.writeBytes(new byte[10]);
        assertThrows(RdbFormatException.class,
                () -> new RdbInput(new ByteArrayInputStream(big.toByteArray())).readString());
        RdbOutput lzf = new RdbOutput(false);
        lzf.writeByte(0xc3);
        lzf.writeLength(2);
        lzf.writeLength(1_000_000);
        lzf.writeBytes(new byte[2]);
        assertThrows(RdbFormatException.class, () -> new RdbInput(lzf.toByteArray()).readString());
    }

    @Test
    void crcMatchesRedisCheckValue() {
        // The check value in Redis's crc64.c self test: "123456789".
        assertEquals(0xe9c6d914c4b8d9caL, Crc64.of(bytes("123456789"), 0, 9));
    }

    @Test
    void crcOfAnySliceAndSplitEqualsTheBytewiseDefinition() {
        java.util.Random r = new java.util.Random(7);
        byte[] b = new byte[300];
        r.nextBytes(b);
        for (int off = 0; off < 9; off++) {
            for (int len = 0; off + len <= b.length; len += 1 + len / 8) {
                long expected = bytewise(0, b, off, len);
                assertEquals(expected, Crc64.of(b, off, len));
                int cut = len / 3;
                assertEquals(expected, Crc64.update(Crc64.of(b, off, cut), b, off + cut, len - cut));
            }
        }
    }

    /** The CRC's definition, one bit at a time: what the table-driven code must equal. */
    private static long bytewise(long crc, byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            crc ^= b[i] & 0xff;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x95ac9329ac4bc9b5L : crc >>> 1;
            }
        }
        return crc;
    }

    @Test
    void deferredCompressionWritesTheSameBytes() {
        java.util.Random r = new java.util.Random(11);
        for (boolean compression : new boolean[] {true, false}) {
            RdbOutput direct = new RdbOutput(compression);
            RdbOutput deferring = RdbOutput.deferringCompression(compression);
            RdbOutput writer = new RdbOutput(compression);
            RdbOutput ofResolved = new RdbOutput(compression);
            byte[] recycled = new byte[16];
            int[] recycledDeferred = null;
            for (int chunk = 0; chunk < 20; chunk++) {
                for (int i = 0; i < 50; i++) {
                    byte[] s = randomString(r);
                    for (RdbOutput o : new RdbOutput[] {direct, deferring}) {
                        o.writeByte(i);
                        o.writeString(s);
                        o.writeLength(s.length * 1000L);
                    }
                }
                // Every other chunk gives its buffer away and goes on in the last chunk's.
                RdbOutput.Chunk c = chunk % 2 == 0 ? deferring.takeChunk() : deferring.takeChunk(recycled, recycledDeferred);
                writer.writeChunk(c);
                // Prepared on another thread in a SAVE: compressed, then only copied by the writer.
                RdbOutput.Chunk resolved = RdbOutput.resolve(c, compression);
                assertEquals(0, resolved.deferredInts());
                ofResolved.writeChunk(resolved);
                recycled = c.bytes();
                recycledDeferred = chunk % 4 == 1 ? null : c.deferred();
            }
            assertEquals(0, deferring.takeChunk().size());
            org.junit.jupiter.api.Assertions.assertArrayEquals(direct.toByteArray(), writer.toByteArray());
            assertEquals(direct.crc(), writer.crc());
            org.junit.jupiter.api.Assertions.assertArrayEquals(direct.toByteArray(), ofResolved.toByteArray());
        }
    }

    /** Short, numeric, compressible and incompressible strings, around the 20-byte threshold. */
    private static byte[] randomString(java.util.Random r) {
        int len = r.nextInt(4) == 0 ? r.nextInt(300) : r.nextInt(30);
        byte[] b = new byte[len];
        switch (r.nextInt(3)) {
            case 0 -> r.nextBytes(b);
            case 1 -> java.util.Arrays.fill(b, (byte) ('a' + r.nextInt(3)));
            default -> {
                for (int i = 0; i < len; i++) {
                    b[i] = (byte) ('0' + r.nextInt(10));
                }
            }
        }
        return b;
    }
}
