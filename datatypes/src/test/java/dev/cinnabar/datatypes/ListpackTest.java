package dev.cinnabar.datatypes;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ListpackTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String hex(Listpack lp) {
        return HexFormat.of().formatHex(lp.toByteArray());
    }

    /** The listpack inside `DUMP h1` of a redis-server 7.0.15 (rdbcompression no). */
    /**
     * A command that adds several entries reserves their room once: the appends that follow
     * copy nothing, the bytes are those of a listpack built entry by entry, and what was not
     * used goes back after the command.
     */
    @Test
    void reservedRoomTakesTheEntriesWithoutCopyingAndTheRestIsTrimmed() {
        Listpack plain = new Listpack();
        Listpack reserved = new Listpack();
        List<byte[]> entries = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            entries.add((i % 3 == 0 ? Integer.toString(i * 977) : "field-" + i).getBytes(StandardCharsets.US_ASCII));
        }
        int bytes = 0;
        for (byte[] e : entries) {
            bytes += Listpack.entrySizeOf(e, 0, e.length);
        }
        reserved.reserve(bytes + 100);
        byte[] array = reserved.array();
        for (byte[] e : entries) {
            plain.append(e);
            reserved.append(e);
        }
        assertSame(array, reserved.array(), "the appends used the reserved room");
        assertArrayEquals(plain.toByteArray(), reserved.toByteArray());
        reserved.trimExcess();
        assertEquals((reserved.totalBytes() + 7) & ~7, reserved.capacity(), "the unused room is given back");
        assertArrayEquals(plain.toByteArray(), reserved.toByteArray());

        // A listpack that shrinks to under half its array still gives the rest back.
        reserved.deleteRange(reserved.first(), 18);
        assertTrue(reserved.capacity() < reserved.totalBytes() * 2, reserved.capacity() + " for " + reserved.totalBytes());
    }

    @Test
    void integersAndStringsAreEncodedAsRedisDoes() {
        String[] kv = {"a", "1", "b", "-1", "c", "127", "d", "128", "e", "-4096", "f", "4095", "g", "4096",
            "h", "-32768", "i", "32767", "j", "8388607", "k", "-8388608", "l", "2147483647", "m", "-2147483648",
            "n", "9223372036854775807", "o", "-9223372036854775808", "p", "007", "q", "-0", "r", "",
            "s", "9223372036854775808", "t", "+5"};
        Listpack lp = new Listpack();
        for (String s : kv) lp.append(b(s));
        assertEquals("ad00000028008161020101816202dfff028163027f01816402c08002816502d00002816602cfff02816702f1001003"
            + "816802f1008003816902f1ff7f03816a02f2ffff7f04816b02f200008004816c02f3ffffff7f05816d02f30000008005816e02"
            + "f4ffffffffffffff7f09816f02f40000000000000080098170028330303704817102822d30038172028001817302933932323333"
            + "373230333638353437373538303814817402822b3503ff", hex(lp));
        Listpack.Entry e = new Listpack.Entry();
        int i = 0;
        for (int p = lp.first(); p >= 0; p = lp.next(p), i++) {
            assertArrayEquals(b(kv[i]), lp.getBytes(p), kv[i]);
            assertArrayEquals(b(kv[i]), lp.get(p, e).toBytes());
            assertTrue(lp.equalsAt(p, b(kv[i])));
            assertEquals(kv[i].length(), lp.valueLength(p));
        }
        assertEquals(kv.length, i);
        assertEquals(kv.length, lp.size());
    }

    /** `DUMP h2` and `DUMP h3`: 6-bit, 12-bit and 32-bit string lengths, multi-byte backlens. */
    @Test
    void longStringsAreEncodedAsRedisDoes() {
        Listpack lp = new Listpack();
        lp.append(b("f"));
        lp.append(b("x".repeat(63)));
        lp.append(b("g"));
        lp.append(b("y".repeat(64)));
        lp.append(b("h"));
        lp.append(b("z".repeat(200)));
        assertEquals("600100000600816602bf" + "78".repeat(63) + "40816702e040" + "79".repeat(64)
            + "42816802e0c8" + "7a".repeat(200) + "01caff", hex(lp));
        Listpack big = new Listpack();
        big.append(b("big"));
        big.append(b("w".repeat(5000)));
        String h = hex(big);
        assertEquals(5019, big.totalBytes());
        assertTrue(h.startsWith("9b13000002008362696704f088130000777777"), h.substring(0, 40));
        assertTrue(h.endsWith("7777278dff"));
        assertArrayEquals(b("w".repeat(5000)), big.getBytes(big.last()));
        assertEquals(big.first(), big.prev(big.last()));
    }

    @Test
    void findSkipsValues() {
        Listpack lp = new Listpack();
        for (String s : new String[] {"a", "b", "b", "c", "10", "a", "c", "x"}) lp.append(b(s));
        assertEquals(lp.seek(2), lp.find(lp.first(), b("b"), 1));
        assertEquals(lp.seek(4), lp.find(lp.first(), b("10"), 1));
        assertEquals(-1, lp.find(lp.first(), b("010"), 1));
        assertEquals(-1, lp.find(lp.first(), b("x"), 1));
        assertEquals(lp.seek(7), lp.find(lp.first(), b("x"), 0));
        assertEquals(lp.seek(6), lp.find(lp.first(), b("c"), 1));
        assertEquals(lp.seek(-1), lp.seek(7));
        assertEquals(-1, lp.seek(8));
        assertEquals(-1, lp.seek(-9));
    }

    @Test
    void countBeyondTheHeaderIsCounted() {
        Listpack lp = new Listpack();
        for (int i = 0; i < 70000; i++) lp.append(i % 100);
        assertEquals(70000, lp.size());
        assertEquals(Listpack.COUNT_UNKNOWN, (lp.array()[4] & 0xFF) | (lp.array()[5] & 0xFF) << 8);
        lp.deleteRange(0L, 10000);
        assertEquals(60000, lp.size());
        assertEquals(60000, (lp.array()[4] & 0xFF) | (lp.array()[5] & 0xFF) << 8);
    }

    private static byte[] randomElement(Random r) {
        switch (r.nextInt(8)) {
            case 0: return Numbers.toBytes(r.nextLong());
            case 1: return Numbers.toBytes(r.nextInt(300) - 150);
            case 2: return Numbers.toBytes((long) r.nextInt() >> r.nextInt(32));
            case 3: {
                byte[] s = new byte[r.nextInt(5000)];
                r.nextBytes(s);
                return s;
            }
            case 4: return b("0" + r.nextInt(10));
            case 5: return b(Long.toString(Long.MIN_VALUE + r.nextInt(3)));
            default: {
                byte[] s = new byte[r.nextInt(r.nextBoolean() ? 70 : 20)];
                for (int i = 0; i < s.length; i++) s[i] = (byte) ('a' + r.nextInt(3));
                return s;
            }
        }
    }

    /** Random operations against an ArrayList, checking every entry both ways after each. */
    @Test
    void behavesLikeAList() {
        Random r = new Random(42);
        Listpack.Entry e = new Listpack.Entry();
        for (int round = 0; round < 40; round++) {
            Listpack lp = new Listpack();
            List<byte[]> model = new ArrayList<>();
            for (int op = 0; op < 300; op++) {
                byte[] x = randomElement(r);
                int n = model.size();
                switch (r.nextInt(8)) {
                    case 0 -> { lp.append(x); model.add(x); }
                    case 1 -> { lp.prepend(x); model.add(0, x); }
                    case 2 -> {
                        if (n == 0) break;
                        int i = r.nextInt(n);
                        boolean after = r.nextBoolean();
                        int p = lp.insert(lp.seek(i), after ? Listpack.AFTER : Listpack.BEFORE, x);
                        model.add(after ? i + 1 : i, x);
                        assertArrayEquals(x, lp.getBytes(p));
                    }
                    case 3 -> {
                        if (n == 0) break;
                        int i = r.nextInt(n);
                        int p = lp.delete(lp.seek(i - n));
                        model.remove(i);
                        assertEquals(i == n - 1 ? -1 : lp.seek(i), p);
                    }
                    case 4 -> {
                        if (n == 0) break;
                        int i = r.nextInt(n);
                        int p = lp.replace(lp.seek(i), x);
                        model.set(i, x);
                        assertArrayEquals(x, lp.getBytes(p));
                    }
                    case 5 -> {
                        if (n == 0) break;
                        int i = r.nextInt(n);
                        int c = r.nextInt(4);
                        lp.deleteRange((long) i, c);
                        for (int k = 0; k < c && i < model.size(); k++) model.remove(i);
                    }
                    case 6 -> {
                        int p = lp.find(lp.first(), x, 0);
                        int idx = -1;
                        for (int k = 0; k < n; k++) if (java.util.Arrays.equals(model.get(k), x)) { idx = k; break; }
                        assertEquals(idx < 0 ? -1 : lp.seek(idx), p);
                    }
                    default -> {
                        if (r.nextInt(4) != 0) break; // keep lists growing most of the time
                        if (n > 0 && r.nextBoolean()) assertEquals(-1, lp.deleteRange(lp.first(), n + 1));
                        else lp.clear();
                        model.clear();
                    }
                }
                assertEquals(model.size(), lp.size());
                assertEquals(model.isEmpty(), lp.isEmpty());
            }
            int i = 0;
            for (int p = lp.first(); p >= 0; p = lp.next(p), i++) {
                assertArrayEquals(model.get(i), lp.getBytes(p));
                assertArrayEquals(model.get(i), lp.get(p, e).toBytes());
                assertTrue(lp.equalsAt(p, model.get(i)));
                assertEquals(model.get(i).length, lp.valueLength(p));
            }
            assertEquals(model.size(), i);
            i = model.size() - 1;
            for (int p = lp.last(); p >= 0; p = lp.prev(p), i--) assertArrayEquals(model.get(i), lp.getBytes(p));
            assertEquals(-1, i);
            int sum = Listpack.HEADER_SIZE + 1;
            for (byte[] x : model) sum += Listpack.entrySizeOf(x, 0, x.length);
            assertEquals(sum, lp.totalBytes());
            Listpack copy = Listpack.wrap(lp.toByteArray());
            assertEquals(model.size(), copy.size());
            assertArrayEquals(lp.toByteArray(), lp.duplicate().array());
        }
    }

    @Test
    void addAllAndIntegerInserts() {
        Listpack a = new Listpack();
        Listpack b = new Listpack();
        a.append(b("x"));
        a.append(b("y".repeat(300)));
        b.append(-5000);
        b.append(b("z"));
        Listpack tail = a.duplicate();
        tail.addAll(b, false);
        Listpack head = a.duplicate();
        head.addAll(b, true);
        Listpack expectTail = new Listpack();
        Listpack expectHead = new Listpack();
        for (String s : new String[] {"x", "y".repeat(300), "-5000", "z"}) expectTail.append(b(s));
        for (String s : new String[] {"-5000", "z", "x", "y".repeat(300)}) expectHead.append(b(s));
        assertEquals(hex(expectTail), hex(tail));
        assertEquals(hex(expectHead), hex(head));
        tail.addAll(new Listpack(), true);
        assertEquals(hex(expectTail), hex(tail));
        int p = b.insert(b.first(), Listpack.AFTER, 7L);
        assertEquals(7, b.integerAt(p));
        assertEquals("-5000,7,z", b.getBytes(b.seek(0)).length == 5 ? "-5000," + b.integerAt(b.seek(1)) + ",z" : "");
        assertEquals(3, b.size());
    }

    @Test
    void canonicalIntegers() {
        assertTrue(Listpack.isCanonicalLong(b("0"), 0, 1));
        assertTrue(Listpack.isCanonicalLong(b("-9223372036854775808"), 0, 20));
        assertTrue(Listpack.isCanonicalLong(b("9223372036854775807"), 0, 19));
        assertFalse(Listpack.isCanonicalLong(b("9223372036854775808"), 0, 19));
        assertFalse(Listpack.isCanonicalLong(b("-9223372036854775809"), 0, 20));
        assertFalse(Listpack.isCanonicalLong(b("-0"), 0, 2));
        assertFalse(Listpack.isCanonicalLong(b("01"), 0, 2));
        assertFalse(Listpack.isCanonicalLong(b("+1"), 0, 2));
        assertFalse(Listpack.isCanonicalLong(b("1 "), 0, 2));
        assertFalse(Listpack.isCanonicalLong(b("-"), 0, 1));
        assertFalse(Listpack.isCanonicalLong(b(""), 0, 0));
    }
}
