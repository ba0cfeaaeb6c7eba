package dev.cinnabar.datatypes.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link CorrectMath} rounds to nearest (checked against 50-digit series), and distances built
 * on it are the ones Redis stores: resource {@code geo/redis-distances.txt} holds GEOSEARCHSTORE
 * ... STOREDIST results read back with ZRANGE WITHSCORES (all 17 digits) from redis-server
 * 7.0.15. glibc's sin/cos/asin miss the nearest double for about one argument in six hundred,
 * so a few distances differ in their last bit; Java's own Math gave 4% of them.
 */
class CorrectMathTest {
    private static final MathContext MC = new MathContext(50, RoundingMode.HALF_EVEN);

    private static BigDecimal sinSeries(BigDecimal x) {
        BigDecimal term = x;
        BigDecimal sum = x;
        BigDecimal x2 = x.multiply(x, MC);
        for (int n = 1; n < 60; n++) {
            term = term.multiply(x2, MC).divide(BigDecimal.valueOf((2L * n) * (2L * n + 1)), MC).negate();
            sum = sum.add(term, MC);
        }
        return sum;
    }

    private static BigDecimal cosSeries(BigDecimal x) {
        BigDecimal term = BigDecimal.ONE;
        BigDecimal sum = BigDecimal.ONE;
        BigDecimal x2 = x.multiply(x, MC);
        for (int n = 1; n < 60; n++) {
            term = term.multiply(x2, MC).divide(BigDecimal.valueOf((2L * n - 1) * (2L * n)), MC).negate();
            sum = sum.add(term, MC);
        }
        return sum;
    }

    /** Whether {@code d} is the double nearest to {@code exact}. */
    private static boolean nearest(double d, BigDecimal exact) {
        BigDecimal err = new BigDecimal(d).subtract(exact).abs();
        BigDecimal halfUlp = new BigDecimal(Math.ulp(d)).divide(BigDecimal.valueOf(2));
        return err.compareTo(halfUlp) <= 0;
    }

    @Test
    void sineAndCosineRoundToNearest() {
        Random r = new Random(3);
        for (int i = 0; i < 3000; i++) {
            double x = (r.nextDouble() * 2 - 1) * (i % 3 == 0 ? 0.1 : 3.2);
            BigDecimal bx = new BigDecimal(x);
            assertTrue(nearest(CorrectMath.sin(x), sinSeries(bx)), "sin " + Double.toHexString(x));
            assertTrue(nearest(CorrectMath.cos(x), cosSeries(bx)), "cos " + Double.toHexString(x));
        }
        assertEquals(0x1.1a62633145c07p-53, CorrectMath.sin(Math.PI), 0x1p-100);
        assertEquals(-1.0, CorrectMath.cos(Math.PI));
        assertEquals(-0.0, CorrectMath.sin(-0.0));
    }

    @Test
    void arcsineRoundsToNearest() {
        Random r = new Random(4);
        for (int i = 0; i < 3000; i++) {
            double y = i % 5 == 0 ? 1 - r.nextDouble() * 1e-9 : r.nextDouble();
            double x = CorrectMath.asin(y);
            // sin is increasing here: the nearest double to asin(y) is x when sin of the
            // midpoints on either side of x falls on either side of y.
            BigDecimal by = new BigDecimal(y);
            BigDecimal half = new BigDecimal(Math.ulp(x)).divide(BigDecimal.valueOf(2));
            BigDecimal below = new BigDecimal(x).subtract(half);
            BigDecimal above = new BigDecimal(x).add(half);
            assertTrue(sinSeries(below).compareTo(by) <= 0 && sinSeries(above).compareTo(by) >= 0,
                    "asin " + Double.toHexString(y));
        }
        assertEquals(Math.PI / 2, CorrectMath.asin(1));
        assertEquals(0.0, CorrectMath.asin(0));
        assertTrue(Double.isNaN(CorrectMath.asin(1.0000000000000002)));
    }

    @Test
    void storedDistancesAreRedisOnesToTheLastBitAlmostAlways() throws IOException {
        Map<String, Double> score = new HashMap<>();
        int total = 0;
        int same = 0;
        double[] xy = new double[2];
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                CorrectMathTest.class.getResourceAsStream("/geo/redis-distances.txt"), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] f = line.split(" ");
                if (f[0].equals("A")) {
                    score.put(f[3], (double) GeoHash.score(Double.parseDouble(f[1]), Double.parseDouble(f[2])));
                    continue;
                }
                GeoHash.decodeScore(score.get(f[3]), xy);
                double km = GeoDistance.distance(Double.parseDouble(f[1]), Double.parseDouble(f[2]), xy[0], xy[1]) / 1000;
                double expected = Double.parseDouble(f[4]);
                total++;
                if (km == expected) {
                    same++;
                } else {
                    assertTrue(Math.abs(km - expected) <= 2 * Math.ulp(expected), line + " gave " + km);
                }
            }
        }
        assertEquals(2400, total);
        assertTrue(same >= total - 12, same + " of " + total + " to the last bit");
    }
}
