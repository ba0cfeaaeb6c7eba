package dev.cinnabar.datatypes.value;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.Listpack;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Field expiry times in a {@link HashValue}: a model-based test of random sets, deletions, times,
 * persists and expiry against reference maps, across the listpack(ex) to dict conversion.
 */
class HashFieldExpiryTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static long recountExpiries(FieldExpiries x) {
        long sum = FieldExpiries.OBJECT + FieldExpiries.TREE + FieldExpiries.DICT;
        long table = x.dict().tableLength(0) + (x.dict().isRehashing() ? x.dict().tableLength(1) : 0);
        sum += table > 0 ? JvmSizes.referenceArray(table) : 0;
        long[] nodes = {0};
        x.dict().forEach(e -> nodes[0] += JvmSizes.DICT_ENTRY + FieldExpiries.NODE + FieldExpiries.TREE_ENTRY
                + JvmSizes.byteArray(e.key().length));
        return sum + nodes[0];
    }

    private static void check(HashValue h, Map<String, String> values, Map<String, Long> ttls, long now) {
        Map<String, String> seen = new HashMap<>();
        h.forEach((f, v) -> seen.put(f.toString(), v.toString()));
        assertEquals(values, seen);
        assertEquals(ttls.size(), h.expiringCount());
        long min = FieldExpiries.NONE;
        int expired = 0;
        for (String f : values.keySet()) {
            long want = ttls.getOrDefault(f, FieldExpiries.NONE);
            assertEquals(want, h.expireTime(b(f), 0, f.length()), f);
            if (want != FieldExpiries.NONE) {
                min = min == FieldExpiries.NONE ? want : Math.min(min, want);
                expired += want < now ? 1 : 0;
            }
        }
        assertEquals(min, h.minExpireTime());
        assertEquals(values.size() - expired, h.liveSize(now));
        List<String> live = new ArrayList<>();
        h.forEachLive(now, (f, v) -> live.add(f.toString()));
        assertEquals(values.size() - expired, live.size());
        if (h.isListpack() && h.hasExpiries()) {
            // listpackex order: fields with a time first, by time, then those without.
            long last = Long.MIN_VALUE;
            boolean untimed = false;
            Listpack lp = h.listpack();
            for (int p = lp.first(); p >= 0; p = lp.next(lp.next(p))) {
                Long t = ttls.get(lp.get(p, new Listpack.Entry()).toString());
                if (t == null) {
                    untimed = true;
                } else {
                    assertTrue(!untimed && t >= last, "listpackex order");
                    last = t;
                }
            }
        }
        if (h.expiries() != null) {
            assertEquals(recountExpiries(h.expiries()), h.expiries().heapSize());
        }
    }

    @Test
    void behavesLikeMapsAcrossConversionsAndTime() {
        Random r = new Random(11);
        int conversions = 0;
        for (int round = 0; round < 60; round++) {
            HashValue h = new HashValue();
            Map<String, String> values = new HashMap<>();
            Map<String, Long> ttls = new HashMap<>();
            long now = 1000;
            int maxEntries = 4 + r.nextInt(40);
            for (int op = 0; op < 400; op++) {
                String f = "f" + r.nextInt(30);
                switch (r.nextInt(7)) {
                    case 0, 1 -> {
                        boolean keep = r.nextBoolean();
                        String v = r.nextInt(5) == 0 ? Integer.toString(r.nextInt(100)) : "v" + r.nextInt(1000);
                        h.set(b(f), 0, f.length(), b(v), 0, v.length(), maxEntries, 64, keep);
                        values.put(f, v);
                        if (!keep) {
                            ttls.remove(f);
                        }
                    }
                    case 2 -> {
                        h.delete(b(f), 0, f.length());
                        values.remove(f);
                        ttls.remove(f);
                    }
                    case 3, 4 -> {
                        h.enableExpiries();
                        if (values.containsKey(f)) {
                            long when = now + r.nextInt(50);
                            h.setExpireTime(b(f), 0, f.length(), when);
                            ttls.put(f, when);
                        }
                    }
                    case 5 -> {
                        boolean had = h.persist(b(f), 0, f.length());
                        assertEquals(ttls.remove(f) != null, had);
                    }
                    default -> {
                        now += r.nextInt(20);
                        // Expiry: every field below now goes, earliest first.
                        int max = 1 + r.nextInt(5);
                        byte[][] due = h.fieldsExpiringBelow(now, max);
                        long prev = Long.MIN_VALUE;
                        for (byte[] d : due) {
                            String s = new String(d, StandardCharsets.ISO_8859_1);
                            long t = ttls.get(s);
                            assertTrue(t < now && t >= prev);
                            prev = t;
                            h.delete(d, 0, d.length);
                            values.remove(s);
                            ttls.remove(s);
                        }
                        long at = now;
                        long left = ttls.values().stream().filter(t -> t < at).count();
                        assertTrue(due.length == max || left == 0);
                    }
                }
                check(h, values, ttls, now);
                if (op == 399 && !h.isListpack()) {
                    conversions++;
                }
            }
            HashValue copy = h.duplicate();
            check(copy, values, ttls, now);
        }
        assertTrue(conversions > 5, "rounds ending as a dict: " + conversions);
    }

    @Test
    void encodingNames() {
        HashValue h = new HashValue();
        h.set(b("a"), b("1"), 128, 64);
        assertEquals("listpack", HashType.TYPE.encoding(h));
        h.enableExpiries();
        assertEquals("listpackex", HashType.TYPE.encoding(h));
        h.convertToDict();
        assertEquals("hashtable", HashType.TYPE.encoding(h));
    }
}
