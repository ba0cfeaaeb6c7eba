package dev.cinnabar.datatypes.geo;

/**
 * A search shape: a circle of a radius or an axis-aligned box of a width and height, around a
 * center, with the unit its sizes are given in (the factor that turns them into meters).
 * Computes the nine geohash cells a search scans ({@link #areas()}) and whether a stored point
 * lies inside ({@link #distanceIfWithin}).
 */
public final class GeoShape {
    public final double lon;
    public final double lat;
    public final boolean box;
    /** Radius (circle) or width and height (box), in the unit. */
    public final double radius;
    public final double width;
    public final double height;
    /** Meters per unit. */
    public final double conversion;

    private GeoShape(double lon, double lat, boolean box, double radius, double width, double height,
                     double conversion) {
        this.lon = lon;
        this.lat = lat;
        this.box = box;
        this.radius = radius;
        this.width = width;
        this.height = height;
        this.conversion = conversion;
    }

    public static GeoShape circle(double lon, double lat, double radius, double conversion) {
        return new GeoShape(lon, lat, false, radius, 0, 0, conversion);
    }

    public static GeoShape box(double lon, double lat, double width, double height, double conversion) {
        return new GeoShape(lon, lat, true, 0, width, height, conversion);
    }

    /**
     * Meters per unit for {@code m}, {@code km}, {@code ft} or {@code mi} in any case; -1 for
     * anything else.
     */
    public static double unitFactor(byte[] b, int off, int len) {
        if (len == 1 && (b[off] | 0x20) == 'm') {
            return 1;
        }
        if (len == 2) {
            int c0 = b[off] | 0x20;
            int c1 = b[off + 1] | 0x20;
            if (c0 == 'k' && c1 == 'm') {
                return 1000;
            }
            if (c0 == 'f' && c1 == 't') {
                return 0.3048;
            }
            if (c0 == 'm' && c1 == 'i') {
                return 1609.34;
            }
        }
        return -1;
    }

    /**
     * The bounding box of the shape: {min lon, min lat, max lon, max lat}. The longitude span is
     * taken at the parallel nearer the pole (the box's edges bend toward it).
     */
    public double[] bounds() {
        double h = conversion * (box ? height / 2 : radius);
        double w = conversion * (box ? width / 2 : radius);
        double latDelta = GeoDistance.degrees(h / GeoDistance.EARTH_RADIUS_METERS);
        double lonDeltaTop = GeoDistance.degrees(
                w / GeoDistance.EARTH_RADIUS_METERS / CorrectMath.cos(GeoDistance.radians(lat + latDelta)));
        double lonDeltaBottom = GeoDistance.degrees(
                w / GeoDistance.EARTH_RADIUS_METERS / CorrectMath.cos(GeoDistance.radians(lat - latDelta)));
        boolean south = lat < 0;
        double lonDelta = south ? lonDeltaBottom : lonDeltaTop;
        return new double[] {lon - lonDelta, lat - latDelta, lon + lonDelta, lat + latDelta};
    }

    /** The shape's reach from its center in meters: the radius, or half the box's diagonal. */
    double reachMeters() {
        double r = box ? Math.sqrt((width / 2) * (width / 2) + (height / 2) * (height / 2)) : radius;
        return r * conversion;
    }

    /**
     * The number of steps whose cells, nine of them, cover a radius: the coarsest at which one
     * cell is still about the radius wide, one or two steps coarser above latitude 66 and 80.
     */
    public static int estimateSteps(double rangeMeters, double lat) {
        if (rangeMeters == 0) {
            return GeoHash.MAX_STEP;
        }
        int step = 1;
        while (rangeMeters < 20037726.37) {
            rangeMeters *= 2;
            step++;
        }
        step -= 2;
        if (lat > 66 || lat < -66) {
            step--;
            if (lat > 80 || lat < -80) {
                step--;
            }
        }
        return Math.max(1, Math.min(GeoHash.MAX_STEP, step));
    }

    /**
     * The cells to scan: the center's cell, then north, south, east, west, north-east,
     * north-west, south-east and south-west. A cell the search cannot touch is left out
     * ({@link Areas#excluded}).
     */
    public Areas areas() {
        double[] b = bounds();
        double minLon = b[0];
        double minLat = b[1];
        double maxLon = b[2];
        double maxLat = b[3];
        int step = estimateSteps(reachMeters(), lat);
        long hash = GeoHash.encode(lon, lat, step);
        // A step too fine leaves part of the bounding box outside the neighbours: one coarser.
        boolean coarser = GeoHash.decode(GeoHash.neighbour(hash, step, 0, 1), step).latMax < maxLat
                || GeoHash.decode(GeoHash.neighbour(hash, step, 0, -1), step).latMin > minLat
                || GeoHash.decode(GeoHash.neighbour(hash, step, 1, 0), step).lonMax < maxLon
                || GeoHash.decode(GeoHash.neighbour(hash, step, -1, 0), step).lonMin > minLon;
        if (step > 1 && coarser) {
            step--;
            hash = GeoHash.encode(lon, lat, step);
        }
        GeoHash.Area area = GeoHash.decode(hash, step);
        long[] cells = new long[9];
        boolean[] excluded = new boolean[9];
        int[][] moves = {{0, 0}, {0, 1}, {0, -1}, {1, 0}, {-1, 0}, {1, 1}, {-1, 1}, {1, -1}, {-1, -1}};
        for (int i = 0; i < 9; i++) {
            cells[i] = GeoHash.neighbour(hash, step, moves[i][0], moves[i][1]);
        }
        if (step >= 2) {
            for (int i = 1; i < 9; i++) {
                int dx = moves[i][0];
                int dy = moves[i][1];
                if ((dy < 0 && area.latMin < minLat) || (dy > 0 && area.latMax > maxLat)
                        || (dx < 0 && area.lonMin < minLon) || (dx > 0 && area.lonMax > maxLon)) {
                    excluded[i] = true;
                }
            }
        }
        return new Areas(step, cells, excluded);
    }

    /**
     * The distance in meters from the center to the point a score stands for when the point is
     * inside the shape, else {@link GeoDistance#OUTSIDE}; {@code xy} receives the point's longitude and latitude.
     */
    public double distanceIfWithin(double score, double[] xy) {
        GeoHash.decodeScore(score, xy);
        if (box) {
            return GeoDistance.inBox(width * conversion, height * conversion, lon, lat, xy[0], xy[1]);
        }
        return GeoDistance.inRadius(radius * conversion, lon, lat, xy[0], xy[1]);
    }

    /** The nine cells of a search, all of one step. */
    public static final class Areas {
        public final int step;
        public final long[] cells;
        public final boolean[] excluded;

        Areas(int step, long[] cells, boolean[] excluded) {
            this.step = step;
            this.cells = cells;
            this.excluded = excluded;
        }

        /** The first score of a cell (inclusive). */
        public long minScore(int i) {
            return GeoHash.align52(cells[i], step);
        }

        /** The score past a cell (exclusive). */
        public long maxScore(int i) {
            return GeoHash.align52(cells[i] + 1, step);
        }
    }
}
