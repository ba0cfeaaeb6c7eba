package dev.cinnabar.datatypes;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ZiplistTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    private static List<String> entries(byte[] zl) {
        List<String> out = new ArrayList<>();
        assertTrue(Ziplist.validate(zl, true, (e, n) -> out.add(e.toString())));
        return out;
    }

    private static List<String> entries(Listpack lp) {
        List<String> out = new ArrayList<>();
        Listpack.Entry e = new Listpack.Entry();
        for (int p = lp.first(); p >= 0; p = lp.next(p)) {
            out.add(lp.get(p, e).toString());
        }
        return out;
    }

    /**
     * Builds a ziplist from the layout documented in Redis's ziplist.c (an independent writer,
     * used to check the reader): strings as strings, {@code Long}s in the smallest encoding.
     */
    static byte[] build(Object... items) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int prevLen = 0;
        int tail = Ziplist.HEADER_SIZE;
        for (Object it : items) {
            ByteArrayOutputStream entry = new ByteArrayOutputStream();
            if (prevLen < 254) {
                entry.write(prevLen);
            } else {
                entry.write(0xFE);
                le(entry, prevLen, 4);
            }
            if (it instanceof Long) {
                long v = (Long) it;
                if (v >= 0 && v <= 12) {
                    entry.write(0xF1 + (int) v);
                } else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
                    entry.write(0xFE);
                    le(entry, v, 1);
                } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
                    entry.write(0xC0);
                    le(entry, v, 2);
                } else if (v >= -(1 << 23) && v < (1 << 23)) {
                    entry.write(0xF0);
                    le(entry, v, 3);
                } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                    entry.write(0xD0);
                    le(entry, v, 4);
                } else {
                    entry.write(0xE0);
                    le(entry, v, 8);
                }
            } else {
                byte[] s = ((String) it).getBytes(StandardCharsets.ISO_8859_1);
                if (s.length <= 0x3F) {
                    entry.write(s.length);
                } else if (s.length <= 0x3FFF) {
                    entry.write(0x40 | s.length >> 8);
                    entry.write(s.length & 0xFF);
                } else {
                    entry.write(0x80);
                    entry.write(s.length >>> 24);
                    entry.write(s.length >>> 16 & 0xFF);
                    entry.write(s.length >>> 8 & 0xFF);
                    entry.write(s.length & 0xFF);
                }
                entry.writeBytes(s);
            }
            tail = Ziplist.HEADER_SIZE + body.size();
            prevLen = entry.size();
            body.writeBytes(entry.toByteArray());
        }
        ByteArrayOutputStream zl = new ByteArrayOutputStream();
        int total = Ziplist.HEADER_SIZE + body.size() + 1;
        le(zl, total, 4);
        le(zl, tail, 4);
        le(zl, Math.min(items.length, 0xFFFF), 2);
        zl.writeBytes(body.toByteArray());
        zl.write(0xFF);
        return zl.toByteArray();
    }

    private static void le(ByteArrayOutputStream out, long v, int n) {
        for (int i = 0; i < n; i++) {
            out.write((int) (v >>> (8 * i)) & 0xFF);
        }
    }

    @Test
    void theDocumentedExampleReads() {
        byte[] zl = hex("0f0000000c0000000200" + "00f3" + "02f6" + "ff");
        assertTrue(Ziplist.validate(zl, false));
        assertEquals(List.of("2", "5"), entries(zl));
        assertArrayEquals(build(2L, 5L), zl);
    }

    /** Ziplists written by old Redis versions (the list, hash and zset of Redis's test dumps). */
    @Test
    void blobsWrittenByOldRedisRead() {
        byte[] list = hex("3000000025000000080000c0010004c0020004c0030004016103016203016303d0a086010006e000bca06501000000ff");
        assertEquals(List.of("1", "2", "3", "a", "b", "c", "100000", "6000000000"), entries(list));
        Listpack lp = Ziplist.toListpack(list);
        assertEquals(entries(list), entries(lp));
        assertEquals(lp.totalBytes(), lp.capacity());

        byte[] hash = hex("200000001b000000060000016103c0010004016203c0020004016303c00300ff");
        assertEquals(List.of("a", "1", "b", "2", "c", "3"), entries(Ziplist.pairsToListpack(hash)));

        byte[] zset = hex("1900000016000000040000036f6e6505f2020374776f05f3ff");
        assertEquals(List.of("one", "1", "two", "2"), entries(Ziplist.pairsToListpack(zset)));
    }

    @Test
    void everyEncodingAndBigPrevlenRoundTrip() {
        String s63 = "x".repeat(63);
        String s64 = "y".repeat(64);
        String s300 = "z".repeat(300);
        String s16384 = "w".repeat(16384);
        Object[] items = {0L, 12L, 13L, -1L, 127L, -128L, 128L, 32767L, -32768L, 32768L, 8388607L, -8388608L,
            8388608L, 2147483647L, -2147483648L, 2147483648L, Long.MAX_VALUE, Long.MIN_VALUE, "", "a", s63, s64,
            s300, "after-big-prevlen", s16384, "12", "tail"};
        byte[] zl = build(items);
        List<String> want = new ArrayList<>();
        for (Object o : items) {
            want.add(o.toString());
        }
        assertEquals(want, entries(zl));
        Listpack lp = Ziplist.toListpack(zl);
        assertEquals(want, entries(lp));
        // "12" as a ziplist string becomes an integer entry, as Redis's lpAppend makes it.
        int p = lp.seek(25);
        assertTrue(lp.isInteger(p));
    }

    @Test
    void anEmptyZiplistIsValid() {
        byte[] zl = build();
        assertTrue(Ziplist.validate(zl, true));
        assertEquals(0, Ziplist.toListpack(zl).size());
    }

    @Test
    void theUnknownCountIsAccepted() {
        byte[] zl = build("a", "b");
        zl[8] = (byte) 0xFF;
        zl[9] = (byte) 0xFF;
        assertTrue(Ziplist.validate(zl, true));
    }

    @Test
    void structuralDamageIsRefused() {
        byte[] good = build("abc", 5L, "de", 300L);
        assertTrue(Ziplist.validate(good, true));

        byte[] size = good.clone();
        size[0]++;
        assertFalse(Ziplist.validate(size, false), "zlbytes not the blob's size");

        byte[] end = good.clone();
        end[end.length - 1] = 0;
        assertFalse(Ziplist.validate(end, false), "no terminator");

        byte[] tailFar = good.clone();
        tailFar[4] = (byte) good.length;
        assertFalse(Ziplist.validate(tailFar, false), "tail past the end");

        byte[] tailWrong = good.clone();
        tailWrong[4]--;
        assertTrue(Ziplist.validate(tailWrong, false), "shallow does not check the tail's entry");
        assertFalse(Ziplist.validate(tailWrong, true));

        byte[] count = good.clone();
        count[8] = 3;
        assertTrue(Ziplist.validate(count, false));
        assertFalse(Ziplist.validate(count, true), "count mismatch");

        byte[] prevlen = good.clone();
        prevlen[Ziplist.HEADER_SIZE + 5] = 4; // the second entry's prevlen (the first is 5 bytes)
        assertFalse(Ziplist.validate(prevlen, true), "wrong previous size");

        byte[] enc = good.clone();
        enc[Ziplist.HEADER_SIZE + 1] = (byte) 0xC5; // not an encoding
        assertFalse(Ziplist.validate(enc, true), "bad encoding");

        assertFalse(Ziplist.validate(hex("0a000000000000000000"), false), "too short");
        assertNull(Ziplist.toListpack(count));
    }

    @Test
    void pairsRefuseOddCountsAndRepeatedNames() {
        assertNull(Ziplist.pairsToListpack(build("a", "1", "b")));
        assertNull(Ziplist.pairsToListpack(build("a", "1", "a", "2")));
        assertNull(Ziplist.pairsToListpack(build(7L, "1", "7", "2")), "an integer and its digits are the same name");
        assertNotNull(Ziplist.pairsToListpack(build("a", "x", "b", "x")), "values may repeat");
    }

    /** Random ziplists against a list model: every encoding, big and small previous-entry sizes. */
    @Test
    void randomZiplistsReadAsTheirModel() {
        Random rnd = new Random(42);
        long[] edges = {0, 12, 13, -1, 127, -128, 128, 32767, -32768, 32768, (1 << 23) - 1, -(1 << 23), 1 << 23,
            Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE + 1L, Long.MAX_VALUE, Long.MIN_VALUE};
        for (int round = 0; round < 300; round++) {
            int n = rnd.nextInt(40);
            Object[] items = new Object[n];
            List<String> model = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                switch (rnd.nextInt(4)) {
                    case 0 -> items[i] = edges[rnd.nextInt(edges.length)];
                    case 1 -> items[i] = rnd.nextLong() >> rnd.nextInt(64);
                    case 2 -> items[i] = "s".repeat(rnd.nextInt(20));
                    default -> items[i] = "b".repeat(rnd.nextInt(rnd.nextInt(10) == 0 ? 17000 : 400));
                }
                model.add(items[i].toString());
            }
            byte[] zl = build(items);
            assertTrue(Ziplist.validate(zl, false));
            assertEquals(model, entries(zl));
            Listpack lp = Ziplist.toListpack(zl);
            assertEquals(model, entries(lp));
            assertTrue(Integrity.listpack(lp.toByteArray(), true));
            Listpack pairs = Ziplist.pairsToListpack(zl);
            boolean distinct = true;
            java.util.Set<String> names = new java.util.HashSet<>();
            for (int i = 0; i < n; i += 2) {
                distinct &= names.add(model.get(i));
            }
            assertEquals(distinct && n % 2 == 0, pairs != null, model.toString());
        }
    }

    /** Whatever the bytes, validation answers without reading outside the array. */
    @Test
    void mutatedBlobsNeverThrow() {
        Random rnd = new Random(16);
        byte[][] seeds = {build("abc", 5L, "de", 300L, Long.MIN_VALUE, "x".repeat(70)), build("x".repeat(300), 1L),
            hex("3000000025000000080000c0010004c0020004c0030004016103016203016303d0a086010006e000bca06501000000ff")};
        for (int i = 0; i < 20000; i++) {
            byte[] zl = seeds[rnd.nextInt(seeds.length)].clone();
            int flips = 1 + rnd.nextInt(3);
            for (int k = 0; k < flips; k++) {
                zl[rnd.nextInt(zl.length)] = (byte) rnd.nextInt(256);
            }
            if (rnd.nextInt(4) == 0) {
                zl = java.util.Arrays.copyOf(zl, rnd.nextInt(zl.length + 1));
            }
            Listpack lp = Ziplist.toListpack(zl);
            if (lp != null) {
                assertTrue(Integrity.listpack(lp.toByteArray(), true));
                entries(lp);
            }
            Ziplist.pairsToListpack(zl);
            Ziplist.validate(zl, false);
        }
    }
}
