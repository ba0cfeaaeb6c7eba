package dev.cinnabar.datatypes.geo;

/**
 * Distances on a sphere of Redis's radius (the Earth's quadratic mean radius under WGS-84), by the
 * haversine formula, computed in Redis's order of operations, with sine, cosine and arcsine
 * rounded to nearest as the C library's are ({@link CorrectMath}).
 */
public final class GeoDistance {
    public static final double EARTH_RADIUS_METERS = 6372797.560856;
    /** What the containment tests return for a point outside (a distance is never negative, NaN at worst). */
    public static final double OUTSIDE = -1;
    private static final double DEGREES_TO_RADIANS = Math.PI / 180.0;

    private GeoDistance() {
    }

    static double radians(double degrees) {
        return degrees * DEGREES_TO_RADIANS;
    }

    static double degrees(double radians) {
        return radians / DEGREES_TO_RADIANS;
    }

    /** Along a meridian: the latitudes' difference as an arc. */
    public static double latitudeDistance(double lat1, double lat2) {
        return EARTH_RADIUS_METERS * Math.abs(radians(lat2) - radians(lat1));
    }

    /** The great-circle distance in meters between two positions (longitude first). */
    public static double distance(double lon1, double lat1, double lon2, double lat2) {
        double lon1r = radians(lon1);
        double lon2r = radians(lon2);
        double v = CorrectMath.sin((lon2r - lon1r) / 2);
        if (v == 0.0) {
            // Same meridian: the formula reduces to the latitudes' arc.
            return latitudeDistance(lat1, lat2);
        }
        double lat1r = radians(lat1);
        double lat2r = radians(lat2);
        double u = CorrectMath.sin((lat2r - lat1r) / 2);
        double a = u * u + CorrectMath.cos(lat1r) * CorrectMath.cos(lat2r) * v * v;
        return 2.0 * EARTH_RADIUS_METERS * CorrectMath.asin(Math.sqrt(a));
    }

    /**
     * Whether a point lies in the box of {@code widthMeters} by {@code heightMeters} centered on
     * ({@code lon1}, {@code lat1}): its latitude arc to the center at most half the height, its
     * distance to the center's meridian along its own parallel at most half the width. Returns
     * the distance to the center, or -1 when outside.
     */
    public static double inBox(double widthMeters, double heightMeters, double lon1, double lat1,
                               double lon2, double lat2) {
        double latDistance = latitudeDistance(lat2, lat1);
        if (latDistance > heightMeters / 2) {
            return OUTSIDE;
        }
        double lonDistance = distance(lon2, lat2, lon1, lat2);
        if (lonDistance > widthMeters / 2) {
            return OUTSIDE;
        }
        return distance(lon1, lat1, lon2, lat2);
    }

    /** The distance from the center when at most {@code radiusMeters}, else -1. */
    public static double inRadius(double radiusMeters, double lon1, double lat1, double lon2, double lat2) {
        double d = distance(lon1, lat1, lon2, lat2);
        return d > radiusMeters ? OUTSIDE : d;
    }

    /**
     * Redis's distance text: the value times 10^4 rounded to the nearest integer (ties to even, as
     * llrint does), printed with exactly four decimals.
     */
    public static byte[] format(double d) {
        if (d == 0) {
            return new byte[] {'0', '.', '0', '0', '0', '0'};
        }
        long v = (long) Math.rint(d * 10000.0);
        StringBuilder sb = new StringBuilder(24);
        if (v < 0) {
            sb.append('-');
            v = -v;
        }
        sb.append(v / 10000).append('.');
        String frac = Long.toString(v % 10000);
        for (int i = frac.length(); i < 4; i++) {
            sb.append('0');
        }
        sb.append(frac);
        return sb.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * A coordinate as Redis's human long double form prints it: {@code %.17Lf} of the exact
     * binary value, trailing zeros and a bare point removed, {@code -0} written {@code 0}.
     */
    public static byte[] formatCoordinate(double v) {
        String s = new java.math.BigDecimal(v).setScale(17, java.math.RoundingMode.HALF_EVEN).toPlainString();
        int end = s.length();
        if (s.indexOf('.') >= 0) {
            while (s.charAt(end - 1) == '0') {
                end--;
            }
            if (s.charAt(end - 1) == '.') {
                end--;
            }
        }
        s = s.substring(0, end);
        if (s.equals("-0")) {
            s = "0";
        }
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
