package dev.cinnabar.datatypes;

import static org.junit.jupiter.api.Assertions.*;

import dev.cinnabar.datatypes.stream.StreamFields;
import dev.cinnabar.datatypes.stream.StreamNode;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IntegrityTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    /** From DUMPs of a redis-server 7.0.15: ZADD z 1.5 m1 2 m2 3 12345. */
    static final String ZSET_LP = "1c0000000600826d310383312e3504826d32030201f13930030301ff";
    /** RPUSH l a 1 bb: the quicklist's one node. */
    static final String LIST_LP = "100000000300816102010182626203ff";
    /** SADD s 1 -5 70000. */
    static final String INTSET = "0400000003000000fbffffff0100000070110100";
    /** XADD x 1-1 f v g w; XADD x 1-2 f v2 g w2; XADD x 2-0 only 1; XDEL x 1-2: the stream's one node. */
    static final String STREAM_LP = "460000001900020101010201816602816702000102010001000181760281770205010301000101018276320382773203"
        + "050100010101dfff020101846f6e6c790501010601ff";

    @Test
    void listpacksWrittenByRedisAreValid() {
        for (String h : new String[] {ZSET_LP, LIST_LP, STREAM_LP}) {
            assertTrue(Integrity.listpack(hex(h), false), h);
            assertTrue(Integrity.listpack(hex(h), true), h);
        }
        assertTrue(Integrity.listpackPairs(hex(ZSET_LP), true));
        assertTrue(Integrity.streamListpack(hex(STREAM_LP), true));
        assertTrue(Integrity.intset(hex(INTSET), true));
    }

    @Test
    void listpackDamageIsRefused() {
        byte[] good = hex(LIST_LP);
        byte[] size = good.clone();
        size[0]++;
        assertFalse(Integrity.listpack(size, false));
        byte[] eof = good.clone();
        eof[eof.length - 1] = 0;
        assertFalse(Integrity.listpack(eof, false));
        byte[] count = good.clone();
        count[4] = 2;
        assertTrue(Integrity.listpack(count, false), "shallow checks only the header");
        assertFalse(Integrity.listpack(count, true));
        count[4] = (byte) 0xFF;
        count[5] = (byte) 0xFF;
        assertTrue(Integrity.listpack(count, true), "65535: unknown count");
        byte[] backlen = good.clone();
        backlen[8] = 3; // "a"'s backlen
        assertFalse(Integrity.listpack(backlen, true));
        byte[] enc = good.clone();
        enc[6] = (byte) 0xF5; // no such encoding
        assertFalse(Integrity.listpack(enc, true));
        assertFalse(Integrity.listpack(hex("0600000000ff"), false), "shorter than a header and EOF");
        assertTrue(Integrity.listpack(new Listpack().toByteArray(), true));
    }

    @Test
    void aStringLengthThatWouldWrapIsRefused() {
        // 0xF0 with length 0xFFFFFFFF: Redis's 32-bit size arithmetic wraps to a 5-byte entry.
        byte[] lp = hex("0d0000000100f0ffffffff05ff");
        assertFalse(Integrity.listpack(lp, true));
    }

    @Test
    void pairsWantAnEvenCountAndDistinctNames() {
        Listpack lp = new Listpack();
        lp.append("a".getBytes());
        lp.append("1".getBytes());
        lp.append(1);
        lp.append("x".getBytes());
        assertTrue(Integrity.listpackPairs(lp.toByteArray(), true));
        lp.append("a".getBytes());
        assertTrue(Integrity.listpackPairs(lp.toByteArray(), false), "shallow: no walk");
        assertFalse(Integrity.listpackPairs(lp.toByteArray(), true), "odd count");
        lp.append("y".getBytes());
        assertFalse(Integrity.listpackPairs(lp.toByteArray(), true), "field a twice");
    }

    @Test
    void intsetRules() {
        byte[] good = hex(INTSET);
        byte[] enc = good.clone();
        enc[0] = 3;
        assertFalse(Integrity.intset(enc, false), "unknown encoding");
        assertFalse(Integrity.intset(Arrays.copyOf(good, good.length - 1), false), "size mismatch");
        assertFalse(Integrity.intset(Intset.empty(), false), "empty");
        byte[] unsorted = Intset.add(Intset.add(Intset.empty(), 1), 2);
        unsorted[8] = 2; // 2, 2
        assertTrue(Integrity.intset(unsorted, false));
        assertFalse(Integrity.intset(unsorted, true), "duplicate");
        unsorted[8] = 3; // 3, 2
        assertFalse(Integrity.intset(unsorted, true), "out of order");
        assertFalse(Integrity.intset(hex("0800000000000020"), false), "a count whose size overflows 32 bits");
    }

    @Test
    void streamNodeRules() {
        byte[] good = hex(STREAM_LP);
        // Change the live count from 2 to 3: one entry too few.
        byte[] wrongCount = good.clone();
        wrongCount[6] = 3;
        assertFalse(Integrity.streamListpack(wrongCount, true));
        assertTrue(Integrity.streamListpack(wrongCount, false));
        // An empty listpack is no stream node.
        assertFalse(Integrity.streamListpack(new Listpack().toByteArray(), true));
        // A node built by our own stream code validates.
        StreamFields fv = StreamFields.of(new byte[][] {"f".getBytes(), "v".getBytes()});
        StreamNode node = StreamNode.create(5, 0, fv, 0, 1, 64);
        node.appendEntry(5, 1, fv, 0, 1);
        assertTrue(Integrity.streamListpack(node.toByteArray(), true));
    }

    @Test
    void streamCountsMustBeIntegerEntries() {
        // Redis takes digits in a string entry where a count belongs; the stream code here reads
        // those entries as integers, and Redis only ever writes integers there.
        Listpack lp = new Listpack();
        lp.append(1);
        lp.append(0);
        lp.append(0);
        lp.append(0);
        lp.append(0);
        lp.append(0);
        lp.append(0);
        lp.append(0);
        lp.append(4);
        assertTrue(Integrity.streamListpack(lp.toByteArray(), true));
        byte[] b = lp.toByteArray();
        // The live count 1 (one byte, 0x01) becomes the one-character string "1" (0x81 '1'),
        // with its backlen: rebuild the blob by hand.
        byte[] s = new byte[b.length + 1];
        System.arraycopy(b, 0, s, 0, 6);
        s[6] = (byte) 0x81;
        s[7] = '1';
        s[8] = 2;
        System.arraycopy(b, 8, s, 9, b.length - 8);
        s[0] = (byte) s.length;
        assertTrue(Integrity.listpack(s, true));
        assertFalse(Integrity.streamListpack(s, true));
    }

    @Test
    void aNegativeFieldCountIsRefused() {
        // A master entry (1 live, 0 deleted, 0 fields, 0) then an entry with -2 own fields and the
        // lp-count that Redis's arithmetic would accept (fields + 3 + fields + 1 = 0).
        Listpack lp = new Listpack();
        for (long v : new long[] {1, 0, 0, 0, 0, 0, 0, -2, 0}) {
            lp.append(v);
        }
        assertFalse(Integrity.streamListpack(lp.toByteArray(), true));
    }

    @Test
    void mutatedBlobsNeverThrow() {
        Random rnd = new Random(7);
        String[] seeds = {ZSET_LP, LIST_LP, STREAM_LP, INTSET};
        for (int i = 0; i < 40000; i++) {
            byte[] b = hex(seeds[rnd.nextInt(seeds.length)]);
            for (int k = 0; k < 1 + rnd.nextInt(3); k++) {
                b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            }
            if (rnd.nextInt(4) == 0) {
                b = Arrays.copyOf(b, rnd.nextInt(b.length + 1));
            }
            boolean deep = rnd.nextBoolean();
            if (Integrity.listpack(b, true)) {
                Listpack lp = Listpack.wrap(b);
                int n = 0;
                for (int p = lp.first(); p >= 0; p = lp.next(p)) {
                    lp.getBytes(p);
                    n++;
                }
                assertEquals(n, lp.size());
                for (int p = lp.last(); p >= 0; p = lp.prev(p)) {
                    n--;
                }
                assertEquals(0, n);
            }
            Integrity.listpackPairs(b, deep);
            Integrity.streamListpack(b, deep);
            Integrity.intset(b, deep);
        }
    }
}
