package dev.cinnabar.server.commands;

import dev.cinnabar.datatypes.Doubles;
import dev.cinnabar.datatypes.geo.GeoHash;
import dev.cinnabar.datatypes.geo.GeoShape;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;

/**
 * The arguments of the geo searches (GEORADIUS, GEORADIUSBYMEMBER, their _RO forms, GEOSEARCH and
 * GEOSEARCHSTORE), read as Redis reads them: left to right, each argument checked as it comes,
 * so the first problem met is the error given. A member named as the center (GEORADIUSBYMEMBER's,
 * FROMMEMBER's) is looked up while parsing, which is why an unknown member can win over a later
 * syntax error; when the source key is missing, members are not looked up and the radius of
 * GEORADIUSBYMEMBER is not even parsed.
 */
final class GeoQuery {
    static final int COORDS = 1;
    static final int MEMBER = 2;
    static final int NO_STORE = 4;
    static final int SEARCH = 8;
    static final int SEARCH_STORE = 16;

    static final int SORT_NONE = 0;
    static final int SORT_ASC = 1;
    static final int SORT_DESC = 2;

    static final String UNKNOWN_MEMBER = "ERR could not decode requested zset member";
    static final String BAD_UNIT = "ERR unsupported unit provided. please use M, KM, FT, MI";

    /** How the source set answers a member's score; false when the member is absent. */
    interface Scores {
        boolean score(Argv a, int i, double[] out);
    }

    /** Argument index of the key stored into, or -1. */
    int storeKey = -1;
    boolean storeDist;
    boolean withDist;
    boolean withHash;
    boolean withCoord;
    int sort = SORT_NONE;
    boolean any;
    long count;
    /** The search shape; null when the source key is missing (nothing needed it). */
    GeoShape shape;

    private double lon;
    private double lat;
    private boolean box;
    private double radius;
    private double width;
    private double height;
    private double conversion;

    /**
     * Parses the command in {@code c.argv} for a source key looked up as {@code scores} (null when
     * missing). Throws the error Redis gives for the first problem.
     */
    static GeoQuery parse(Client c, int flags, Scores scores) {
        GeoQuery q = new GeoQuery();
        q.read(c, flags, scores);
        return q;
    }

    private void read(Client c, int flags, Scores scores) {
        Argv a = c.argv;
        int base;
        if ((flags & COORDS) != 0) {
            base = 6;
            position(a, 2);
            distance(a, 4);
        } else if ((flags & MEMBER) != 0) {
            base = 5;
            if (scores != null) {
                member(a, 2, scores);
                distance(a, 3);
            }
        } else {
            base = 2;
            if ((flags & SEARCH_STORE) != 0) {
                base = 3;
                storeKey = 1;
            }
        }
        boolean fromMember = false;
        boolean fromLonLat = false;
        boolean byRadius = false;
        boolean byBox = false;
        boolean search = (flags & SEARCH) != 0;
        boolean storeOptions = (flags & NO_STORE) == 0 && !search;
        int n = a.count();
        for (int i = base; i < n; i++) {
            int left = n - i - 1;
            if (a.is(i, "withdist")) {
                withDist = true;
            } else if (a.is(i, "withhash")) {
                withHash = true;
            } else if (a.is(i, "withcoord")) {
                withCoord = true;
            } else if (a.is(i, "any")) {
                any = true;
            } else if (a.is(i, "asc")) {
                sort = SORT_ASC;
            } else if (a.is(i, "desc")) {
                sort = SORT_DESC;
            } else if (a.is(i, "count") && left >= 1) {
                count = Args.longArg(c, i + 1);
                if (count <= 0) {
                    throw new CommandError("ERR COUNT must be > 0");
                }
                i++;
            } else if (a.is(i, "store") && left >= 1 && storeOptions) {
                storeKey = i + 1;
                storeDist = false;
                i++;
            } else if (a.is(i, "storedist") && left >= 1 && storeOptions) {
                storeKey = i + 1;
                storeDist = true;
                i++;
            } else if (a.is(i, "storedist") && search && (flags & SEARCH_STORE) != 0) {
                storeDist = true;
            } else if (a.is(i, "frommember") && left >= 1 && search && !fromLonLat) {
                if (scores != null) {
                    member(a, i + 1, scores);
                }
                fromMember = true;
                i++;
            } else if (a.is(i, "fromlonlat") && left >= 2 && search && !fromMember) {
                position(a, i + 1);
                fromLonLat = true;
                i += 2;
            } else if (a.is(i, "byradius") && left >= 2 && search && !byBox) {
                distance(a, i + 1);
                byRadius = true;
                i += 2;
            } else if (a.is(i, "bybox") && left >= 3 && search && !byRadius) {
                box(a, i + 1);
                byBox = true;
                i += 3;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        if (storeKey >= 0 && (withDist || withHash || withCoord)) {
            throw new CommandError("ERR " + ((flags & SEARCH_STORE) != 0 ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS")
                    + " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
        }
        if (search && !(fromMember || fromLonLat)) {
            throw new CommandError("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " + a.cString(0));
        }
        if (search && !(byRadius || byBox)) {
            throw new CommandError("ERR exactly one of BYRADIUS and BYBOX can be specified for " + a.cString(0));
        }
        if (any && count == 0) {
            throw new CommandError("ERR the ANY argument requires COUNT argument");
        }
        if (scores != null) {
            shape = box ? GeoShape.box(lon, lat, width, height, conversion)
                    : GeoShape.circle(lon, lat, radius, conversion);
        }
        // COUNT means the nearest ones, so it sorts unless ANY says any will do.
        if (count != 0 && sort == SORT_NONE && !any) {
            sort = SORT_ASC;
        }
    }

    private void member(Argv a, int i, Scores scores) {
        double[] score = new double[1];
        if (!scores.score(a, i, score)) {
            throw new CommandError(UNKNOWN_MEMBER);
        }
        double[] xy = new double[2];
        GeoHash.decodeScore(score[0], xy);
        lon = xy[0];
        lat = xy[1];
    }

    private void position(Argv a, int i) {
        double[] xy = position(a, i, null);
        lon = xy[0];
        lat = xy[1];
    }

    /** A longitude and latitude at {@code i}, {@code i+1}, within Redis's limits. */
    static double[] position(Argv a, int i, double[] xy) {
        if (xy == null) {
            xy = new double[2];
        }
        xy[0] = number(a, i, Errors.NOT_FLOAT);
        xy[1] = number(a, i + 1, Errors.NOT_FLOAT);
        if (!GeoHash.validPosition(xy[0], xy[1])) {
            throw new CommandError("ERR invalid longitude,latitude pair " + Doubles.fixed(xy[0], 6) + ","
                    + Doubles.fixed(xy[1], 6));
        }
        return xy;
    }

    private void distance(Argv a, int i) {
        double d = number(a, i, "ERR need numeric radius");
        if (d < 0) {
            throw new CommandError("ERR radius cannot be negative");
        }
        radius = d;
        box = false;
        conversion = unit(a, i + 1);
    }

    private void box(Argv a, int i) {
        double w = number(a, i, "ERR need numeric width");
        double h = number(a, i + 1, "ERR need numeric height");
        if (h < 0 || w < 0) {
            throw new CommandError("ERR height or width cannot be negative");
        }
        width = w;
        height = h;
        box = true;
        conversion = unit(a, i + 2);
    }

    /** Meters per unit named at {@code i}; the unit error otherwise. */
    static double unit(Argv a, int i) {
        double f = GeoShape.unitFactor(a.array(i), a.offset(i), a.length(i));
        if (f < 0) {
            throw new CommandError(BAD_UNIT);
        }
        return f;
    }

    private static double number(Argv a, int i, String error) {
        double d = Doubles.parse(a.array(i), a.offset(i), a.length(i));
        if (Double.isNaN(d)) {
            throw new CommandError(error);
        }
        return d;
    }
}
