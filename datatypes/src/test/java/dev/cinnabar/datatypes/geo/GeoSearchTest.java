package dev.cinnabar.datatypes.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.PartialQuicksort;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Searches against what redis-server 7.0.15 answered (resource {@code geo/redis-searches.txt}:
 * GEOADDs, then GEOSEARCH ... WITHDIST WITHHASH with radius and box shapes in each unit,
 * near the poles and across the antimeridian, unsorted, ASC, DESC, COUNT and COUNT ANY). Equal
 * distances (several members at one position) check the order of Redis's sorts.
 */
class GeoSearchTest {
    /** A sorted set model: by score, then member bytes. */
    private static final class Entry {
        final byte[] member;
        final double score;

        Entry(byte[] member, double score) {
            this.member = member;
            this.score = score;
        }
    }

    private static final Comparator<Entry> ORDER = (a, b) -> {
        int c = Double.compare(a.score, b.score);
        return c != 0 ? c : Arrays.compareUnsigned(a.member, b.member);
    };

    private static GeoSearch.Ranges ranges(TreeSet<Entry> set) {
        return (min, max, visitor) -> {
            for (Entry e : set.tailSet(new Entry(new byte[0], min), true)) {
                if (!(e.score < max)) {
                    return;
                }
                GeoSearch.Point p = visitor.test(e.score);
                if (p != null) {
                    p.member = e.member.clone();
                }
                if (!visitor.more()) {
                    return;
                }
            }
        };
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(byte[] v) {
        return new String(v, StandardCharsets.US_ASCII);
    }

    @Test
    void searchesMatchRedis() throws IOException {
        TreeSet<Entry> set = new TreeSet<>(ORDER);
        int queries = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                GeoSearchTest.class.getResourceAsStream("/geo/redis-searches.txt"), StandardCharsets.US_ASCII))) {
            String line;
            String[] query = null;
            while ((line = r.readLine()) != null) {
                String[] f = line.split(" ", -1);
                if (f[0].equals("A")) {
                    set.add(new Entry(b(f[3]), GeoHash.score(Double.parseDouble(f[1]), Double.parseDouble(f[2]))));
                } else if (f[0].equals("Q")) {
                    query = f;
                } else {
                    String expected = line.substring(2);
                    assertEquals(expected, run(set, query), String.join(" ", query));
                    queries++;
                }
            }
        }
        assertTrue(queries > 200);
    }

    /** Runs a query line: fromlonlat LON LAT (byradius R U | bybox W H U) withdist withhash [options]. */
    private static String run(TreeSet<Entry> set, String[] q) {
        double lon = Double.parseDouble(q[2]);
        double lat = Double.parseDouble(q[3]);
        int i = 4;
        GeoShape shape;
        if (q[i].equals("byradius")) {
            byte[] u = b(q[i + 2]);
            shape = GeoShape.circle(lon, lat, Double.parseDouble(q[i + 1]), GeoShape.unitFactor(u, 0, u.length));
            i += 3;
        } else {
            byte[] u = b(q[i + 3]);
            shape = GeoShape.box(lon, lat, Double.parseDouble(q[i + 1]), Double.parseDouble(q[i + 2]),
                    GeoShape.unitFactor(u, 0, u.length));
            i += 4;
        }
        i += 2;
        int sort = 0;
        long count = 0;
        boolean any = false;
        for (; i < q.length; i++) {
            switch (q[i]) {
                case "asc": sort = 1; break;
                case "desc": sort = 2; break;
                case "any": any = true; break;
                case "count": count = Long.parseLong(q[++i]); break;
                default: throw new IllegalArgumentException(q[i]);
            }
        }
        if (count != 0 && sort == 0 && !any) {
            sort = 1;
        }
        List<GeoSearch.Point> found = GeoSearch.find(shape, ranges(set), any ? count : 0);
        int returned = (int) (count == 0 || found.size() < count ? found.size() : count);
        if (sort != 0) {
            GeoSearch.sort(found, sort == 2, returned);
        }
        List<String> out = new ArrayList<>();
        for (int k = 0; k < returned; k++) {
            GeoSearch.Point p = found.get(k);
            out.add(text(p.member) + "|" + text(GeoDistance.format(p.dist / shape.conversion)) + "|" + (long) p.score);
        }
        return String.join(" ", out);
    }

    @Test
    void partialSortPutsTheSmallestFirstInOrder() {
        Random rnd = new Random(7);
        for (int round = 0; round < 500; round++) {
            int n = 1 + rnd.nextInt(120);
            Integer[] a = new Integer[n];
            for (int k = 0; k < n; k++) {
                a[k] = rnd.nextInt(round % 2 == 0 ? 10 : 1000);
            }
            Integer[] sorted = a.clone();
            Arrays.sort(sorted);
            int to = rnd.nextInt(n);
            PartialQuicksort.sort(a, Comparator.naturalOrder(), 0, to);
            assertEquals(Arrays.asList(sorted).subList(0, to + 1), Arrays.asList(a).subList(0, to + 1));
            List<Integer> all = new ArrayList<>(Arrays.asList(a));
            all.sort(null);
            assertEquals(Arrays.asList(sorted), all);
        }
    }
}
