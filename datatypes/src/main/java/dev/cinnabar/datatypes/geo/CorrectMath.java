package dev.cinnabar.datatypes.geo;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Sine, cosine and arcsine rounded to the nearest double, for the geo distance formula.
 *
 * <p>Redis calls the C library. glibc's {@code sin}, {@code cos} and {@code asin} return the
 * nearest double for all but about one argument in six hundred (within 0.52 ulp otherwise),
 * while Java's {@code Math}/{@code StrictMath} are only within one ulp: their arcsine differs
 * from glibc's for about one argument in sixteen. A distance off by an ulp prints the same with
 * four decimals, but GEOSEARCHSTORE ... STOREDIST stores it and ZRANGE WITHSCORES shows all 17
 * digits: with Java's functions 4% of stored distances differed from Redis's, with these about
 * 0.2% (the arguments where glibc itself misses the nearest double). They evaluate in
 * double-double arithmetic and round once; the tail of each series (under 2^-21 of the result)
 * is summed in plain double, so the error before rounding stays near 2^-74 of the result.
 *
 * <p>Arguments are reduced modulo pi/2 with a three-part pi/2, which is exact enough for the
 * small arguments the formula uses (a few radians); huge arguments fall back to StrictMath.
 */
final class CorrectMath {
    private CorrectMath() {
    }

    /** pi/2 in three parts (their sum is pi/2 to about 160 bits). */
    private static final double PIO2_1 = 0x1.921fb54442d18p+0;
    private static final double PIO2_2 = 0x1.1a62633145c07p-54;
    private static final double PIO2_3 = -0x1.f1976b7ed8fbcp-110;
    private static final double TWO_OVER_PI = 0x1.45f306dc9c883p-1;
    /** Beyond this the simple reduction loses bits; the formula never gets there. */
    private static final double REDUCTION_LIMIT = 1e5;

    /** Terms computed in double-double; the rest of each series is summed in plain double. */
    private static final int DD_TERMS = 4;
    private static final int TERMS = 16;
    /** (-1)^n / (2n+1)! and (-1)^n / (2n)! as double-double (hi, lo) pairs. */
    private static final double[] SIN_HI = new double[TERMS];
    private static final double[] SIN_LO = new double[TERMS];
    private static final double[] COS_HI = new double[TERMS];
    private static final double[] COS_LO = new double[TERMS];

    static {
        MathContext mc = new MathContext(60);
        BigDecimal factorial = BigDecimal.ONE;
        for (int k = 1; k <= 2 * TERMS + 1; k++) {
            factorial = factorial.multiply(BigDecimal.valueOf(k));
            int n = k / 2;
            BigDecimal c = BigDecimal.ONE.divide(factorial, mc);
            if (n % 2 == 1) {
                c = c.negate();
            }
            double hi = c.doubleValue();
            double lo = c.subtract(new BigDecimal(hi)).doubleValue();
            if (k % 2 == 1 && n < TERMS) {
                SIN_HI[n] = hi;
                SIN_LO[n] = lo;
            } else if (k % 2 == 0 && n < TERMS) {
                COS_HI[n] = hi;
                COS_LO[n] = lo;
            }
        }
        COS_HI[0] = 1;
        COS_LO[0] = 0;
    }

    static double sin(double x) {
        if (!(Math.abs(x) < REDUCTION_LIMIT)) {
            return StrictMath.sin(x);
        }
        if (x == 0) {
            return x;
        }
        double[] dd = new double[2];
        sinDD(x, dd, 0);
        return dd[0] + dd[1];
    }

    static double cos(double x) {
        if (!(Math.abs(x) < REDUCTION_LIMIT)) {
            return StrictMath.cos(x);
        }
        double[] dd = new double[2];
        sinDD(x, dd, 1);
        return dd[0] + dd[1];
    }

    static double asin(double y) {
        if (!(Math.abs(y) < 1) || y == 0) {
            return StrictMath.asin(y); // NaN, ±pi/2 rounded, ±0: exact already
        }
        double x0 = StrictMath.asin(y);
        double[] dd = new double[2];
        sinDD(x0, dd, 0);
        // One Newton step on sin(x) = y: the residual in double-double, the slope in double.
        double d = y - dd[0];
        double de = twoSumError(y, -dd[0], d);
        double residual = d + (de - dd[1]);
        return x0 + residual / Math.cos(x0);
    }

    /**
     * sin(x + shift * pi/2) as double-double into {@code out}: x is reduced to r = x - k pi/2
     * (|r| <= about pi/4), and the quadrant k + shift picks the series and the sign.
     */
    private static void sinDD(double x, double[] out, int shift) {
        double k = Math.rint(x * TWO_OVER_PI);
        // r = x - k*PIO2_1 - k*PIO2_2 - k*PIO2_3, carried in double-double.
        double p1 = k * PIO2_1;
        double p1e = Math.fma(k, PIO2_1, -p1);
        double s = x - p1;
        double se = twoSumError(x, -p1, s);
        double p2 = k * PIO2_2;
        double p2e = Math.fma(k, PIO2_2, -p2);
        double rh = s - p2;
        double rl = twoSumError(s, -p2, rh) + (se - p1e - p2e - k * PIO2_3);
        double t = rh + rl;
        rl = rl - (t - rh);
        rh = t;
        // z = r^2 as double-double
        double zh = rh * rh;
        double zl = Math.fma(rh, rh, -zh) + 2 * rh * rl;
        t = zh + zl;
        zl = zl - (t - zh);
        zh = t;
        int q = ((int) (long) k + shift) & 3;
        if ((q & 1) == 0) {
            // sin(r) = r * S(z)
            series(zh, zl, SIN_HI, SIN_LO, out);
            double ph = out[0];
            double pl = out[1];
            double mh = rh * ph;
            double ml = Math.fma(rh, ph, -mh) + (rh * pl + rl * ph);
            t = mh + ml;
            out[1] = ml - (t - mh);
            out[0] = t;
        } else {
            series(zh, zl, COS_HI, COS_LO, out);
        }
        if (q >= 2) {
            out[0] = -out[0];
            out[1] = -out[1];
        }
    }

    /** sum c[n] z^n as double-double into out[0], out[1]: the tail in double, the head in double-double. */
    private static void series(double zh, double zl, double[] chi, double[] clo, double[] out) {
        double tail = chi[TERMS - 1];
        for (int n = TERMS - 2; n >= DD_TERMS; n--) {
            tail = tail * zh + chi[n];
        }
        double ph = tail;
        double pl = 0;
        for (int n = DD_TERMS - 1; n >= 0; n--) {
            // p = p * z + c[n]
            double mh = ph * zh;
            double ml = Math.fma(ph, zh, -mh) + (ph * zl + pl * zh);
            double sh = mh + chi[n];
            double se = twoSumError(mh, chi[n], sh) + ml + clo[n];
            ph = sh + se;
            pl = se - (ph - sh);
        }
        out[0] = ph;
        out[1] = pl;
    }

    /** The rounding error of {@code sum = a + b} (Knuth's TwoSum). */
    private static double twoSumError(double a, double b, double sum) {
        double bv = sum - a;
        double av = sum - bv;
        return (a - av) + (b - bv);
    }
}
