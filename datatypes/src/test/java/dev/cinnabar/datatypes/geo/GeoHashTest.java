package dev.cinnabar.datatypes.geo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Encoding, decoding, GEOHASH strings and distances against what redis-server 7.0.15 answered
 * (resource {@code geo/redis-points.txt}: GEOADD then ZSCORE, GEOPOS and GEOHASH for each point,
 * GEODIST for pairs in each unit, GEOPOS/GEOHASH of scores ZADD put there).
 */
class GeoHashTest {
    private static String text(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    private static List<String[]> lines(String kind) throws IOException {
        List<String[]> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                GeoHashTest.class.getResourceAsStream("/geo/redis-points.txt"), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.split(" ");
                if (f[0].equals(kind)) {
                    out.add(f);
                }
            }
        }
        return out;
    }

    @Test
    void scoresPositionsAndHashesMatchRedis() throws IOException {
        List<String[]> points = lines("P");
        assertTrue(points.size() > 300);
        double[] xy = new double[2];
        for (String[] p : points) {
            double lon = Double.parseDouble(p[1]);
            double lat = Double.parseDouble(p[2]);
            assertTrue(GeoHash.validPosition(lon, lat));
            long score = GeoHash.score(lon, lat);
            assertEquals(p[3], Long.toString(score), "score of " + lon + "," + lat);
            GeoHash.decodeScore(score, xy);
            assertEquals(p[4], text(GeoDistance.formatCoordinate(xy[0])), "longitude of " + lon + "," + lat);
            assertEquals(p[5], text(GeoDistance.formatCoordinate(xy[1])), "latitude of " + lon + "," + lat);
            assertEquals(p[6], text(GeoHash.standardHash(score)), "hash of " + lon + "," + lat);
        }
    }

    @Test
    void distancesMatchRedisInEveryUnit() throws IOException {
        List<String[]> points = lines("P");
        List<String[]> dists = lines("D");
        assertTrue(dists.size() > 300);
        double[] a = new double[2];
        double[] b = new double[2];
        for (String[] d : dists) {
            String[] p1 = points.get(Integer.parseInt(d[1]));
            String[] p2 = points.get(Integer.parseInt(d[2]));
            GeoHash.decodeScore(Double.parseDouble(p1[3]), a);
            GeoHash.decodeScore(Double.parseDouble(p2[3]), b);
            byte[] unit = d[3].getBytes(StandardCharsets.US_ASCII);
            double factor = GeoShape.unitFactor(unit, 0, unit.length);
            double dist = GeoDistance.distance(a[0], a[1], b[0], b[1]) / factor;
            assertEquals(d[4], text(GeoDistance.format(dist)), String.join(" ", d));
        }
    }

    @Test
    void anyScoreDecodesAsRedisCastsIt() throws IOException {
        double[] xy = new double[2];
        for (String[] s : lines("S")) {
            double score = dev.cinnabar.datatypes.Doubles.parse(s[1].getBytes(StandardCharsets.US_ASCII));
            GeoHash.decodeScore(score, xy);
            assertEquals(s[2], text(GeoDistance.formatCoordinate(xy[0])), "longitude of score " + s[1]);
            assertEquals(s[3], text(GeoDistance.formatCoordinate(xy[1])), "latitude of score " + s[1]);
            assertEquals(s[4], text(GeoHash.standardHash(score)), "hash of score " + s[1]);
        }
    }

    @Test
    void limitsAreInclusive() {
        assertTrue(GeoHash.validPosition(180, 85.05112878));
        assertTrue(GeoHash.validPosition(-180, -85.05112878));
        assertFalse(GeoHash.validPosition(180.0000001, 0));
        assertFalse(GeoHash.validPosition(0, 85.05112879));
        assertFalse(GeoHash.validPosition(0, -90));
        assertFalse(GeoHash.validPosition(Double.POSITIVE_INFINITY, 0));
    }

    @Test
    void unitsAndDistanceText() {
        byte[] km = "KM".getBytes(StandardCharsets.US_ASCII);
        assertEquals(1000, GeoShape.unitFactor(km, 0, 2));
        assertEquals(1609.34, GeoShape.unitFactor("mI".getBytes(StandardCharsets.US_ASCII), 0, 2));
        assertEquals(0.3048, GeoShape.unitFactor("ft".getBytes(StandardCharsets.US_ASCII), 0, 2));
        assertEquals(1, GeoShape.unitFactor("M".getBytes(StandardCharsets.US_ASCII), 0, 1));
        assertEquals(-1, GeoShape.unitFactor("meters".getBytes(StandardCharsets.US_ASCII), 0, 6));
        assertEquals(-1, GeoShape.unitFactor("k".getBytes(StandardCharsets.US_ASCII), 0, 1));
        assertEquals("0.0000", text(GeoDistance.format(0)));
        assertEquals("0.0005", text(GeoDistance.format(0.0005)));
        assertEquals("0.0002", text(GeoDistance.format(0.00025)));
        assertEquals("0.0004", text(GeoDistance.format(0.00035)));
        assertEquals("166274.1516", text(GeoDistance.format(166274.15156960033)));
        assertEquals("1.0000", text(GeoDistance.format(0.99999)));
        assertEquals("12.5000", text(GeoDistance.format(12.5)));
    }

    @Test
    void coordinateText() {
        assertEquals("0", text(GeoDistance.formatCoordinate(0)));
        assertEquals("0", text(GeoDistance.formatCoordinate(-0.0)));
        assertEquals("0", text(GeoDistance.formatCoordinate(-1e-20)));
        assertEquals("180", text(GeoDistance.formatCoordinate(180)));
        assertEquals("-12.5", text(GeoDistance.formatCoordinate(-12.5)));
        assertEquals("0.10000000000000001", text(GeoDistance.formatCoordinate(0.1)));
    }

    @Test
    void neighboursWrapAroundAndStepsFollowTheLatitude() {
        long h = GeoHash.encode(0, 0, 1);
        // Step 1: four cells; east of the north-east cell wraps to the north-west one.
        long ne = GeoHash.encode(90, 45, 1);
        long nw = GeoHash.encode(-90, 45, 1);
        assertEquals(nw, GeoHash.neighbour(ne, 1, 1, 0));
        assertEquals(ne, GeoHash.neighbour(nw, 1, -1, 0));
        assertEquals(GeoHash.encode(90, -45, 1), GeoHash.neighbour(ne, 1, 0, 1));
        assertEquals(ne, h);
        assertEquals(26, GeoShape.estimateSteps(0, 0));
        assertEquals(1, GeoShape.estimateSteps(1e8, 0));
        int equator = GeoShape.estimateSteps(1000, 0);
        assertEquals(equator - 1, GeoShape.estimateSteps(1000, 70));
        assertEquals(equator - 2, GeoShape.estimateSteps(1000, -81));
        assertEquals(GeoHash.align52(5, 3) + (1L << 46), GeoHash.align52(6, 3));
    }

    @Test
    void interleavesBits() {
        assertEquals(0b01, GeoHash.interleave(1, 0));
        assertEquals(0b10, GeoHash.interleave(0, 1));
        assertEquals(0xffffffffffffffffL, GeoHash.interleave(0xffffffffL, 0xffffffffL));
        assertEquals(0xffffffffL, GeoHash.latitudeBits(0x5555555555555555L));
        assertEquals(0xffffffffL, GeoHash.longitudeBits(0xaaaaaaaaaaaaaaaaL));
        assertArrayEquals(new byte[] {'s', 'q', 'c', '8', 'b', '4', '9', 'r', 'n', 'y', '0'},
                GeoHash.standardHash(GeoHash.score(13.361389, 38.115556)));
    }
}
