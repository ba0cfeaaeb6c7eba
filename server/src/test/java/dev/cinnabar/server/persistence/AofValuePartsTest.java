package dev.cinnabar.server.persistence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.Quicklist;
import dev.cinnabar.datatypes.value.HashValue;
import dev.cinnabar.datatypes.value.ListValue;
import dev.cinnabar.datatypes.value.SetValue;
import dev.cinnabar.datatypes.value.StreamValue;
import dev.cinnabar.datatypes.value.ZSetValue;
import dev.cinnabar.persistence.rdb.RdbOutput;
import dev.cinnabar.persistence.rdb.RdbValueParts;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AofValuePartsTest {
    private static final int N = RdbValueParts.MIN_ELEMENTS + 333;
    private static final byte[] KEY = b("the key");

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * One of each kind written in parts: a list with compressed nodes and plain ones (the packed
     * threshold is lowered around this), a stream with deleted entries and consumer groups.
     */
    private static Object[] values() {
        SetValue s = SetValue.newHashtable();
        HashValue h = new HashValue();
        ZSetValue z = ZSetValue.newSkiplist();
        ListValue l = new ListValue(-1, 2);
        StreamValue st = new StreamValue();
        Random r = new Random(4);
        for (int i = 0; i < N; i++) {
            byte[] m = b(i % 3 == 0 ? String.valueOf(i) : "m" + i);
            s.add(m, 0, m.length, 512);
            h.set(b("f" + i), b(i % 5 == 0 ? String.valueOf(i) : "value " + i), 128, 64);
            z.add(r.nextInt(300) / 3.0, b("z" + i), 0, 128, 64, null);
            byte[] e = b(i % 4 == 0 ? String.valueOf(i - 2000) : i % 97 == 0 ? "plain ".repeat(20) : "element " + i);
            l.push(e, i % 7 == 0);
            st.append(1000 + i / 3, i % 3, new byte[][] {b("f"), m, b(i % 2 == 0 ? "g" : "f2"), b("v" + i)}, 0, 2,
                    4096, 100);
        }
        for (int i = 0; i < N; i += 41) {
            st.delete(1000 + i / 3, i % 3);
        }
        for (int g = 0; g < 2; g++) {
            var group = st.createGroup(b("group" + g), 1000 + g * 50, 0, g * 150);
            var idle = group.createConsumer(b("idle"), 17);
            var busy = group.createConsumer(b("busy"), 18);
            for (int i = 3; i < 40; i += 4) {
                group.addPending(new dev.cinnabar.datatypes.stream.StreamId(1000 + i / 3, i % 3), i % 2 == 0 ? idle : busy,
                        5000 + i).deliveryCount = i;
            }
        }
        return new Object[] {s, h, z, l, st};
    }

    private static byte[] whole(Object v, long expire) {
        AofOutput out = new AofOutput(1024);
        AofValueCommands.key(out, KEY, v, expire);
        return Arrays.copyOf(out.array(), out.size());
    }

    private static byte[] inParts(AofValueParts p, long expire, long step) {
        RdbOutput out = new RdbOutput(false);
        p.begin(KEY, 0, KEY.length, expire);
        while (!p.write(out, step)) {
            // the next commands
        }
        return out.toByteArray();
    }

    /** The commands of a value written in parts are those written at once, byte for byte. */
    @Test
    void partsAreTheWholeCommandsByteForByte() {
        assertTrue(Quicklist.setPackedThreshold(100));
        try {
            for (Object v : values()) {
                for (long expire : new long[] {-1, 1_900_000_000_000L}) {
                    for (long step : new long[] {1, 700, 4096, Long.MAX_VALUE}) {
                        assertArrayEquals(whole(v, expire), inParts(AofValueParts.of(v), expire, step),
                                v.getClass().getSimpleName());
                    }
                    assertArrayEquals(whole(v, expire), inParts(AofValueParts.frozen(v), expire, 4096));
                }
            }
        } finally {
            Quicklist.setPackedThreshold(0);
        }
    }

    /** The list has what the test means it to: nodes compressed and plain. */
    @Test
    void theListTestedHasCompressedAndPlainNodes() {
        assertTrue(Quicklist.setPackedThreshold(100));
        try {
            String layout = ((ListValue) values()[3]).layout();
            assertTrue(layout.contains("z"), layout);
            assertTrue(layout.contains("p"), layout);
        } finally {
            Quicklist.setPackedThreshold(0);
        }
    }

    /** A detach halfway goes on in a copy: the value may then change, the commands are those of the start. */
    @Test
    void aDetachHalfwayWritesTheValueAsItWas() {
        Object[] values = values();
        for (int kind = 3; kind < 5; kind++) {
            Object v = values[kind];
            byte[] before = whole(v, -1);
            AofValueParts p = AofValueParts.of(v);
            RdbOutput out = new RdbOutput(false);
            p.begin(KEY, 0, KEY.length, -1);
            p.write(out, 30_000);
            p.detach();
            if (v instanceof ListValue l) {
                l.push(b("new head"), true);
                l.push(b("new tail"), false);
                l.replace(100, b("changed"));
                l.deleteRange(200, 3000);
            } else {
                StreamValue st = (StreamValue) v;
                st.trim(StreamValue.TRIM_MAXLEN, 10, 0, 0, false, 0);
                st.destroyGroup(b("group0"));
            }
            while (!p.write(out, 4096)) {
                // the rest, from the copy
            }
            assertArrayEquals(before, out.toByteArray());
        }
    }

    @Test
    void smallValuesAndFieldTtlsGoWhole() {
        SetValue s = SetValue.newHashtable();
        s.add(b("a"), 0, 1, 512);
        assertNull(AofValueParts.of(s));
        assertNull(AofValueParts.of(b("string")));
    }
}
