package dev.cinnabar.datatypes.geo;

/**
 * Redis's geohash: a longitude and a latitude, each cut into {@code 2^step} slices of its range,
 * interleaved into one integer (latitude on the even bits, longitude on the odd bits). Sorted
 * sets store the 52-bit form (26 steps) as the member's score.
 *
 * <p>The latitude range is Web Mercator's, {@code ±85.05112878}, not {@code ±90}: a point at the
 * poles cannot be stored. Every computation is done in {@code double} in the order Redis does
 * it, so decoded coordinates are bit for bit the ones Redis prints.
 *
 * <p>A hash is a {@code long} of bits plus its step, which callers keep beside it.
 */
public final class GeoHash {
    public static final int MAX_STEP = 26;
    public static final double LAT_MIN = -85.05112878;
    public static final double LAT_MAX = 85.05112878;
    public static final double LON_MIN = -180;
    public static final double LON_MAX = 180;

    /** Even bit positions (latitude) and odd ones (longitude). */
    private static final long EVEN = 0x5555555555555555L;
    private static final long ODD = 0xaaaaaaaaaaaaaaaaL;

    private GeoHash() {
    }

    /** True when Redis accepts the pair as a position (GEOADD, FROMLONLAT, GEORADIUS). */
    public static boolean validPosition(double lon, double lat) {
        return !(lon < LON_MIN || lon > LON_MAX || lat < LAT_MIN || lat > LAT_MAX);
    }

    /** The hash of a valid position at {@code step} over the Mercator ranges. */
    public static long encode(double lon, double lat, int step) {
        return encode(lon, lat, step, LON_MIN, LON_MAX, LAT_MIN, LAT_MAX);
    }

    /**
     * The hash of a position over explicit ranges; the position must be valid and inside them.
     * Each offset is scaled to {@code 2^step} and truncated; an offset of exactly 1 (the upper
     * limit) yields {@code 2^step}, whose bit lands above the {@code 2*step} bits, as in Redis.
     */
    public static long encode(double lon, double lat, int step,
                              double lonMin, double lonMax, double latMin, double latMax) {
        double latOffset = (lat - latMin) / (latMax - latMin);
        double lonOffset = (lon - lonMin) / (lonMax - lonMin);
        double scale = (double) (1L << step);
        latOffset *= scale;
        lonOffset *= scale;
        return interleave((long) latOffset & 0xffffffffL, (long) lonOffset & 0xffffffffL);
    }

    /** The 52-bit score of a valid position. */
    public static long score(double lon, double lat) {
        return encode(lon, lat, MAX_STEP);
    }

    /** Spreads the low 32 bits of {@code even} on the even bit positions, {@code odd}'s on the odd ones. */
    static long interleave(long even, long odd) {
        return spread(even) | (spread(odd) << 1);
    }

    private static long spread(long v) {
        v = (v | (v << 16)) & 0x0000ffff0000ffffL;
        v = (v | (v << 8)) & 0x00ff00ff00ff00ffL;
        v = (v | (v << 4)) & 0x0f0f0f0f0f0f0f0fL;
        v = (v | (v << 2)) & 0x3333333333333333L;
        v = (v | (v << 1)) & 0x5555555555555555L;
        return v;
    }

    private static long gather(long v) {
        v &= 0x5555555555555555L;
        v = (v | (v >>> 1)) & 0x3333333333333333L;
        v = (v | (v >>> 2)) & 0x0f0f0f0f0f0f0f0fL;
        v = (v | (v >>> 4)) & 0x00ff00ff00ff00ffL;
        v = (v | (v >>> 8)) & 0x0000ffff0000ffffL;
        v = (v | (v >>> 16)) & 0x00000000ffffffffL;
        return v;
    }

    /** The latitude part (even bits) of a hash. */
    static long latitudeBits(long bits) {
        return gather(bits);
    }

    /** The longitude part (odd bits) of a hash. */
    static long longitudeBits(long bits) {
        return gather(bits >>> 1);
    }

    /** The cell of a hash over the Mercator ranges (the upper index wraps at 32 bits, as in C). */
    public static Area decode(long bits, int step) {
        double latScale = LAT_MAX - LAT_MIN;
        double lonScale = LON_MAX - LON_MIN;
        long ilat = latitudeBits(bits);
        long ilon = longitudeBits(bits);
        double div = (double) (1L << step);
        return new Area(
                LON_MIN + (ilon * 1.0 / div) * lonScale,
                LON_MIN + (((ilon + 1) & 0xffffffffL) * 1.0 / div) * lonScale,
                LAT_MIN + (ilat * 1.0 / div) * latScale,
                LAT_MIN + (((ilat + 1) & 0xffffffffL) * 1.0 / div) * latScale);
    }

    /**
     * The position a score stands for: the center of its 26-step cell, clamped to the limits.
     * Any score decodes (a sorted set may hold scores ZADD put there); it is converted to an
     * unsigned 64-bit integer as the C cast on x86-64 does. {@code xy} receives longitude, latitude.
     */
    public static void decodeScore(double score, double[] xy) {
        Area a = decode(scoreBits(score), MAX_STEP);
        xy[0] = center(a.lonMin, a.lonMax, LON_MIN, LON_MAX);
        xy[1] = center(a.latMin, a.latMax, LAT_MIN, LAT_MAX);
    }

    private static double center(double min, double max, double low, double high) {
        double c = (min + max) / 2;
        if (c > high) {
            c = high;
        }
        if (c < low) {
            c = low;
        }
        return c;
    }

    private static final double TWO_63 = 9223372036854775808.0;

    /** C's {@code (uint64_t) score} as gcc compiles it for x86-64 (cvttsd2si on each side of 2^63). */
    static long scoreBits(double score) {
        if (score >= TWO_63) {
            double rest = score - TWO_63;
            long low = rest < TWO_63 ? (long) rest : Long.MIN_VALUE;
            return low ^ Long.MIN_VALUE;
        }
        if (Double.isNaN(score) || score < -TWO_63) {
            return Long.MIN_VALUE;
        }
        return (long) score;
    }

    /** The same cell moved east ({@code d > 0}) or west ({@code d < 0}), wrapping around. */
    static long moveX(long bits, int step, int d) {
        if (d == 0) {
            return bits;
        }
        long x = bits & ODD;
        long y = bits & EVEN;
        long zz = EVEN >>> (64 - step * 2);
        if (d > 0) {
            x = x + (zz + 1);
        } else {
            x = x | zz;
            x = x - (zz + 1);
        }
        x &= ODD >>> (64 - step * 2);
        return x | y;
    }

    /** The same cell moved north ({@code d > 0}) or south ({@code d < 0}), wrapping around. */
    static long moveY(long bits, int step, int d) {
        if (d == 0) {
            return bits;
        }
        long x = bits & ODD;
        long y = bits & EVEN;
        long zz = ODD >>> (64 - step * 2);
        if (d > 0) {
            y = y + (zz + 1);
        } else {
            y = y | zz;
            y = y - (zz + 1);
        }
        y &= EVEN >>> (64 - step * 2);
        return x | y;
    }

    /** The neighbour of a cell {@code dx} cells east and {@code dy} cells north (each -1, 0 or 1). */
    public static long neighbour(long bits, int step, int dx, int dy) {
        return moveY(moveX(bits, step, dx), step, dy);
    }

    /** A hash of {@code step} steps widened to 52 bits (the score range of the cell starts there). */
    public static long align52(long bits, int step) {
        return bits << (52 - step * 2);
    }

    private static final byte[] ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz".getBytes(
            java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * The 11-character standard geohash of a score (GEOHASH): the decoded position re-encoded over
     * latitudes ±90, ten characters of 5 bits and a last one that is always {@code 0}.
     */
    public static byte[] standardHash(double score) {
        double[] xy = new double[2];
        decodeScore(score, xy);
        long bits = encode(xy[0], xy[1], MAX_STEP, -180, 180, -90, 90);
        byte[] out = new byte[11];
        for (int i = 0; i < 10; i++) {
            out[i] = ALPHABET[(int) ((bits >>> (52 - (i + 1) * 5)) & 0x1f)];
        }
        out[10] = ALPHABET[0];
        return out;
    }

    /** A cell: its longitude and latitude bounds. */
    public static final class Area {
        public final double lonMin;
        public final double lonMax;
        public final double latMin;
        public final double latMax;

        Area(double lonMin, double lonMax, double latMin, double latMax) {
            this.lonMin = lonMin;
            this.lonMax = lonMax;
            this.latMin = latMin;
            this.latMax = latMax;
        }
    }
}
