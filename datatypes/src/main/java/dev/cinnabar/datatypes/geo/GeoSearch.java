package dev.cinnabar.datatypes.geo;

import dev.cinnabar.datatypes.PartialQuicksort;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A GEOSEARCH over a sorted set: the members of the shape's nine cells, in the order Redis finds
 * them (cell by cell, each by score then member), then sorted by distance as Redis sorts them.
 */
public final class GeoSearch {
    private GeoSearch() {
    }

    /** The sorted set's side: its members with {@code min <= score < max}, in order. */
    public interface Ranges {
        /**
         * For each member in the range, calls {@link Visitor#test}; when that gives a point, sets
         * the point's member (a copy). Stops once {@link Visitor#more} is false.
         */
        void scan(double min, double max, Visitor visitor);
    }

    public interface Visitor {
        /** The match a member of this score makes (its member still to be set), or null. */
        Point test(double score);

        /** False once the search has enough. */
        boolean more();
    }

    /** One match: the member, its score, its position and its distance to the center in meters. */
    public static final class Point {
        public byte[] member;
        public final double score;
        public final double lon;
        public final double lat;
        public double dist;

        Point(byte[] member, double score, double lon, double lat, double dist) {
            this.member = member;
            this.score = score;
            this.lon = lon;
            this.lat = lat;
            this.dist = dist;
        }
    }

    /**
     * The members inside the shape. With {@code limit > 0} (COUNT ANY) the scan stops once that
     * many are found.
     */
    public static List<Point> find(GeoShape shape, Ranges ranges, long limit) {
        GeoShape.Areas areas = shape.areas();
        List<Point> found = new ArrayList<>();
        double[] xy = new double[2];
        int last = 0;
        for (int i = 0; i < 9; i++) {
            if (areas.excluded[i]) {
                continue;
            }
            // Wide searches can make two neighbours the same cell: scan it once.
            if (last != 0 && areas.cells[i] == areas.cells[last]) {
                continue;
            }
            if (!found.isEmpty() && limit > 0 && found.size() >= limit) {
                break;
            }
            ranges.scan(areas.minScore(i), areas.maxScore(i), new Visitor() {
                @Override
                public Point test(double score) {
                    double d = shape.distanceIfWithin(score, xy);
                    if (d == GeoDistance.OUTSIDE) {
                        return null;
                    }
                    Point p = new Point(null, score, xy[0], xy[1], d);
                    found.add(p);
                    return p;
                }

                @Override
                public boolean more() {
                    return !(limit > 0 && found.size() >= limit);
                }
            });
            last = i;
        }
        return found;
    }

    private static final Comparator<Point> ASC = (a, b) -> a.dist > b.dist ? 1 : a.dist == b.dist ? 0 : -1;
    private static final Comparator<Point> DESC = (a, b) -> -ASC.compare(a, b);

    /**
     * Sorts by distance ({@code descending} or not) so that the first {@code wanted} points are
     * the ones Redis returns, in its order: a stable sort when all are wanted (glibc's qsort is a
     * merge sort), otherwise Redis's partial quicksort, whose order of equal distances this
     * reproduces.
     */
    public static void sort(List<Point> points, boolean descending, int wanted) {
        Comparator<Point> cmp = descending ? DESC : ASC;
        if (wanted >= points.size()) {
            points.sort(cmp);
            return;
        }
        Point[] a = points.toArray(new Point[0]);
        PartialQuicksort.sort(a, cmp, 0, wanted - 1);
        for (int i = 0; i < a.length; i++) {
            points.set(i, a[i]);
        }
    }
}
