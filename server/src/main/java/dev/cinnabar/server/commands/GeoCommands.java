package dev.cinnabar.server.commands;

import dev.cinnabar.server.db.KeyEntry;
import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.datatypes.ScoreRange;
import dev.cinnabar.datatypes.geo.GeoDistance;
import dev.cinnabar.datatypes.geo.GeoHash;
import dev.cinnabar.datatypes.geo.GeoSearch;
import dev.cinnabar.datatypes.value.ZSetType;
import dev.cinnabar.datatypes.value.ZSetValue;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.exec.CommandHandlers;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The geo commands. A geo set is a sorted set whose scores are 52-bit geohashes
 * ({@link GeoHash}); positions read back are the centers of the members' cells, and distances
 * are haversine distances on Redis's sphere ({@link GeoDistance}). GEOADD is a ZADD of the
 * computed scores, and propagates as that ZADD. The searches scan the nine cells around the
 * shape in the order Redis does and sort as Redis sorts ({@link GeoSearch}), so equal distances
 * come back in Redis's order.
 */
public final class GeoCommands {
    private static final byte[] ZADD = "zadd".getBytes(StandardCharsets.US_ASCII);

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("geoadd", this, 0);
            t.bind("geopos", this, 1);
            t.bind("geodist", this, 2);
            t.bind("geohash", this, 3);
            t.bind("georadius", this, 4);
            t.bind("georadius_ro", this, 5);
            t.bind("georadiusbymember", this, 6);
            t.bind("georadiusbymember_ro", this, 7);
            t.bind("geosearch", this, 8);
            t.bind("geosearchstore", this, 9);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> GeoCommands.geoadd(c);
                case 1 -> GeoCommands.geopos(c);
                case 2 -> GeoCommands.geodist(c);
                case 3 -> GeoCommands.geohash(c);
                case 4 -> GeoCommands.search(c, 1, GeoQuery.COORDS);
                case 5 -> GeoCommands.search(c, 1, GeoQuery.COORDS | GeoQuery.NO_STORE);
                case 6 -> GeoCommands.search(c, 1, GeoQuery.MEMBER);
                case 7 -> GeoCommands.search(c, 1, GeoQuery.MEMBER | GeoQuery.NO_STORE);
                case 8 -> GeoCommands.search(c, 1, GeoQuery.SEARCH);
                case 9 -> GeoCommands.search(c, 2, GeoQuery.SEARCH | GeoQuery.SEARCH_STORE);
                default -> throw new IllegalArgumentException("GeoCommands has no handler " + handler);
            }
        }
    }

    // ------------------------------------------------------------------ the sorted set side

    /** The score of the member at argument {@code i}; false when absent. */
    private static boolean score(ZSetValue z, Argv a, int i, double[] out) {
        double s = z.score(a.array(i), a.offset(i), a.length(i));
        if (Double.isNaN(s)) {
            return false;
        }
        out[0] = s;
        return true;
    }

    /** Stops a range walk once a COUNT ANY search has enough. */
    private static final class Enough extends RuntimeException {
        static final Enough INSTANCE = new Enough();

        private Enough() {
            super(null, null, false, false);
        }
    }

    private static GeoSearch.Ranges ranges(ZSetValue z) {
        return (min, max, visitor) -> {
            try {
                z.rangeByScore(new ScoreRange(min, false, max, true), false, 0, -1, (m, s) -> {
                    GeoSearch.Point p = visitor.test(s);
                    if (p != null) {
                        p.member = m.toBytes();
                    }
                    if (!visitor.more()) {
                        throw Enough.INSTANCE;
                    }
                });
            } catch (Enough done) {
                // the search has what it asked for
            }
        };
    }

    // ------------------------------------------------------------------ GEOADD

    // GEOADD key [NX | XX] [CH] longitude latitude member [longitude latitude member ...]
    static void geoadd(Client c) {
        Argv a = c.argv;
        boolean nx = false;
        boolean xx = false;
        boolean ch = false;
        int first = 2;
        for (; first < a.count(); first++) {
            if (a.is(first, "nx")) {
                nx = true;
            } else if (a.is(first, "xx")) {
                xx = true;
            } else if (a.is(first, "ch")) {
                ch = true;
            } else {
                break;
            }
        }
        int n = (a.count() - first) / 3;
        if ((a.count() - first) % 3 != 0 || (nx && xx) || n == 0) {
            throw new CommandError(Errors.SYNTAX);
        }
        long[] scores = new long[n];
        double[] xy = new double[2];
        for (int k = 0; k < n; k++) {
            GeoQuery.position(a, first + 3 * k, xy);
            scores[k] = GeoHash.score(xy[0], xy[1]);
        }
        Db db = c.db();
        long maxEntries = c.server.config().zsetMaxListpackEntries;
        long maxValue = c.server.config().zsetMaxListpackValue;
        int flags = (nx ? ZSetValue.NX : 0) | (xx ? ZSetValue.XX : 0);
        KeyEntry e = TypedLookup.write(c, 1, ZSetType.TYPE);
        int added = 0;
        int updated = 0;
        if (e == null) {
            if (xx) {
                c.reply.integer(0);
                return;
            }
            int m0 = first + 2;
            ZSetValue z = ZSetValue.forFirstMember(a.length(m0), maxEntries, maxValue);
            for (int k = 0; k < n; k++) {
                int m = first + 3 * k + 2;
                int out = z.add(scores[k], a.array(m), a.offset(m), a.length(m), flags, maxEntries, maxValue, null);
                added += (out & ZSetValue.ADDED) != 0 ? 1 : 0;
                updated += (out & ZSetValue.UPDATED) != 0 ? 1 : 0;
            }
            db.add(a.copy(1), z);
        } else {
            ZSetValue z = (ZSetValue) e.value();
            if (changes(z, a, first, scores, nx, xx)) {
                long before = db.beforeChange(e);
                for (int k = 0; k < n; k++) {
                    int m = first + 3 * k + 2;
                    int out = z.add(scores[k], a.array(m), a.offset(m), a.length(m), flags, maxEntries, maxValue,
                            null);
                    added += (out & ZSetValue.ADDED) != 0 ? 1 : 0;
                    updated += (out & ZSetValue.UPDATED) != 0 ? 1 : 0;
                }
                db.changed(e, before);
            }
        }
        if (added + updated > 0) {
            // GEOADD is ZADD in Redis, event included.
            Notify.arg(c, Notify.ZSET, "zadd", 1);
        }
        c.changes(added + updated);
        if (added + updated > 0 && c.server.propagation().active()) {
            c.propagateAs(asZadd(a, first, scores));
        }
        c.reply.integer(ch ? added + updated : added);
    }

    /** Whether adding would change anything (so that a no-op GEOADD touches nothing). */
    private static boolean changes(ZSetValue z, Argv a, int first, long[] scores, boolean nx, boolean xx) {
        for (int k = 0; k < scores.length; k++) {
            int m = first + 3 * k + 2;
            double cur = z.score(a.array(m), a.offset(m), a.length(m));
            if (Double.isNaN(cur) ? !xx : !nx && cur != scores[k]) {
                return true;
            }
        }
        return false;
    }

    /** The ZADD that GEOADD amounts to: {@code zadd key [options] score member ...}. */
    private static Argv asZadd(Argv a, int first, long[] scores) {
        Argv z = new Argv(2 + (first - 2) + 2 * scores.length);
        z.add(ZADD);
        for (int i = 1; i < first; i++) {
            z.add(a.copy(i));
        }
        for (int k = 0; k < scores.length; k++) {
            z.add(Long.toString(scores[k]).getBytes(StandardCharsets.US_ASCII));
            z.add(a.copy(first + 3 * k + 2));
        }
        return z;
    }

    // ------------------------------------------------------------------ reading positions

    private static void replyCoordinate(Client c, double v) {
        c.reply.doubleText(GeoDistance.formatCoordinate(v));
    }

    // GEOPOS key [member [member ...]]
    static void geopos(Client c) {
        Argv a = c.argv;
        ZSetValue z = (ZSetValue) TypedLookup.read(c, 1, ZSetType.TYPE);
        double[] score = new double[1];
        double[] xy = new double[2];
        c.reply.array(a.count() - 2);
        for (int i = 2; i < a.count(); i++) {
            if (z == null || !score(z, a, i, score)) {
                c.reply.nullArray();
            } else {
                GeoHash.decodeScore(score[0], xy);
                c.reply.array(2);
                replyCoordinate(c, xy[0]);
                replyCoordinate(c, xy[1]);
            }
        }
    }

    // GEOHASH key [member [member ...]]
    static void geohash(Client c) {
        Argv a = c.argv;
        ZSetValue z = (ZSetValue) TypedLookup.read(c, 1, ZSetType.TYPE);
        double[] score = new double[1];
        c.reply.array(a.count() - 2);
        for (int i = 2; i < a.count(); i++) {
            if (z == null || !score(z, a, i, score)) {
                c.reply.nullBulk();
            } else {
                c.reply.bulk(GeoHash.standardHash(score[0]));
            }
        }
    }

    // GEODIST key member1 member2 [M | KM | FT | MI]
    static void geodist(Client c) {
        Argv a = c.argv;
        double toMeters = 1;
        if (a.count() == 5) {
            toMeters = GeoQuery.unit(a, 4);
        } else if (a.count() > 5) {
            throw new CommandError(Errors.SYNTAX);
        }
        ZSetValue z = (ZSetValue) TypedLookup.readOrReply(c, 1, ZSetType.TYPE, TypedLookup.NULL);
        if (z == null) {
            return;
        }
        double[] s1 = new double[1];
        double[] s2 = new double[1];
        if (!score(z, a, 2, s1) || !score(z, a, 3, s2)) {
            c.reply.nullBulk();
            return;
        }
        double[] p1 = new double[2];
        double[] p2 = new double[2];
        GeoHash.decodeScore(s1[0], p1);
        GeoHash.decodeScore(s2[0], p2);
        c.reply.bulk(GeoDistance.format(GeoDistance.distance(p1[0], p1[1], p2[0], p2[1]) / toMeters));
    }

    // ------------------------------------------------------------------ searches

    // GEORADIUS key longitude latitude radius <M | KM | FT | MI> [WITHCOORD] [WITHDIST] [WITHHASH]
    //     [COUNT count [ANY]] [ASC | DESC] [STORE key | STOREDIST key]
    // GEORADIUS_RO key longitude latitude radius <M | KM | FT | MI> [WITHCOORD] [WITHDIST] [WITHHASH]
    //     [COUNT count [ANY]] [ASC | DESC]
    // GEORADIUSBYMEMBER key member radius <M | KM | FT | MI> [WITHCOORD] [WITHDIST] [WITHHASH]
    //     [COUNT count [ANY]] [ASC | DESC] [STORE key | STOREDIST key]
    // GEORADIUSBYMEMBER_RO key member radius <M | KM | FT | MI> [WITHCOORD] [WITHDIST] [WITHHASH]
    //     [COUNT count [ANY]] [ASC | DESC]
    // GEOSEARCH key <FROMMEMBER member | FROMLONLAT longitude latitude>
    //     <BYRADIUS radius <M | KM | FT | MI> | BYBOX width height <M | KM | FT | MI>> [ASC | DESC]
    //     [COUNT count [ANY]] [WITHCOORD] [WITHDIST] [WITHHASH]
    // GEOSEARCHSTORE destination source <FROMMEMBER member | FROMLONLAT longitude latitude>
    //     <BYRADIUS radius <M | KM | FT | MI> | BYBOX width height <M | KM | FT | MI>> [ASC | DESC]
    //     [COUNT count [ANY]] [STOREDIST]
    /** Every search: the source key at argument {@code src}, the variant in {@code flags} (GeoQuery's). */
    static void search(Client c, int src, int flags) {
        ZSetValue z = (ZSetValue) TypedLookup.read(c, src, ZSetType.TYPE);
        GeoQuery q = GeoQuery.parse(c, flags, z == null ? null : (a, i, out) -> score(z, a, i, out));
        Db db = c.db();
        if (z == null) {
            if (q.storeKey >= 0) {
                if (db.deleteUnchecked(c.argv, q.storeKey)) {
                    Notify.arg(c, Notify.GENERIC, "del", q.storeKey);
                }
                c.reply.integer(0);
            } else {
                c.reply.emptyArray();
            }
            return;
        }
        List<GeoSearch.Point> found = GeoSearch.find(q.shape, ranges(z), q.any ? q.count : 0);
        if (found.isEmpty() && q.storeKey < 0) {
            c.reply.emptyArray();
            return;
        }
        int returned = q.count == 0 || found.size() < q.count ? found.size() : (int) q.count;
        if (q.sort != GeoQuery.SORT_NONE) {
            GeoSearch.sort(found, q.sort == GeoQuery.SORT_DESC, returned);
        }
        double conversion = q.shape.conversion;
        if (q.storeKey < 0) {
            int options = (q.withDist ? 1 : 0) + (q.withHash ? 1 : 0) + (q.withCoord ? 1 : 0);
            c.reply.array(returned);
            for (int k = 0; k < returned; k++) {
                GeoSearch.Point p = found.get(k);
                if (options > 0) {
                    c.reply.array(options + 1);
                }
                c.reply.bulk(p.member);
                if (q.withDist) {
                    c.reply.bulk(GeoDistance.format(p.dist / conversion));
                }
                if (q.withHash) {
                    c.reply.integer((long) p.score);
                }
                if (q.withCoord) {
                    c.reply.array(2);
                    replyCoordinate(c, p.lon);
                    replyCoordinate(c, p.lat);
                }
            }
            return;
        }
        if (returned == 0) {
            if (db.deleteUnchecked(c.argv, q.storeKey)) {
                Notify.arg(c, Notify.GENERIC, "del", q.storeKey);
            }
            c.reply.integer(0);
            return;
        }
        long maxEntries = c.server.config().zsetMaxListpackEntries;
        long maxValue = c.server.config().zsetMaxListpackValue;
        ZSetValue stored = ZSetValue.newSkiplist();
        long longest = 0;
        long total = 0;
        for (int k = 0; k < returned; k++) {
            GeoSearch.Point p = found.get(k);
            double score = q.storeDist ? p.dist / conversion : p.score;
            stored.add(score, p.member, 0, Long.MAX_VALUE, Long.MAX_VALUE, null);
            longest = Math.max(longest, p.member.length);
            total += p.member.length;
        }
        stored.convertToListpackIfNeeded(longest, total, maxEntries, maxValue);
        db.setKey(c.argv, q.storeKey, stored, false);
        Notify.arg(c, Notify.ZSET, (flags & GeoQuery.SEARCH) != 0 ? "geosearchstore" : "georadiusstore", q.storeKey);
        c.changes(returned);
        c.reply.integer(returned);
    }
}
