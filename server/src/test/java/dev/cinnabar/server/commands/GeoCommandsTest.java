package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.cinnabar.datatypes.value.ZSetType;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.testing.EngineHarness;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The geo commands through the real decoder and dispatcher: raw replies in RESP2 and RESP3, as
 * redis-server 7.0.15 gave them for the same commands.
 */
class GeoCommandsTest {
    static final String WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
    static final String SYNTAX = "-ERR syntax error\r\n";
    static final String PALERMO = "*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n";
    static final String CATANIA = "*2\r\n$20\r\n15.08726745843887329\r\n$20\r\n37.50266842333162032\r\n";

    private final EngineHarness h = new EngineHarness();
    private final Db db = h.server.keyspace().db(0);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private String encoding(String key) {
        return ZSetType.TYPE.encoding(db.entry(b(key)).value());
    }

    private void sicily() {
        assertEquals(":2\r\n", h.call("GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669",
                "Catania"));
    }

    private void moreOfSicily() {
        sicily();
        h.call("GEOADD", "Sicily", "13.583333", "37.316667", "Agrigento");
    }

    @Test
    void geoaddStoresGeohashScoresAndGeoposDecodesThem() {
        sicily();
        assertEquals("listpack", encoding("Sicily"));
        assertEquals(2, h.server.keyspace().dirty);
        assertEquals("*3\r\n" + PALERMO + CATANIA + "*-1\r\n", h.call("GEOPOS", "Sicily", "Palermo", "Catania", "x"));
        assertEquals("*2\r\n*-1\r\n*-1\r\n", h.call("GEOPOS", "nokey", "a", "b"));
        assertEquals("*0\r\n", h.call("GEOPOS", "Sicily"));
        assertEquals("*3\r\n$11\r\nsqc8b49rny0\r\n$11\r\nsqdtr74hyu0\r\n$-1\r\n",
                h.call("GEOHASH", "Sicily", "Palermo", "Catania", "x"));
        assertEquals("*1\r\n$-1\r\n", h.call("GEOHASH", "nokey", "a"));
    }

    @Test
    void geoaddOptions() {
        sicily();
        assertEquals(":1\r\n", h.call("GEOADD", "Sicily", "NX", "13.5", "38.2", "Palermo", "14", "37", "Enna"));
        assertEquals(":0\r\n", h.call("GEOADD", "Sicily", "XX", "13.5", "38.2", "Palermo", "14.5", "37.1", "Ragusa"));
        assertEquals("*2\r\n*2\r\n$20\r\n13.50000053644180298\r\n$19\r\n38.2000006309196749\r\n*-1\r\n",
                h.call("GEOPOS", "Sicily", "Palermo", "Ragusa"));
        assertEquals(":1\r\n", h.call("GEOADD", "Sicily", "xx", "ch", "13.361389", "38.115556", "Palermo", "1", "1", "R"));
        long dirty = h.server.keyspace().dirty;
        assertEquals(":0\r\n", h.call("GEOADD", "Sicily", "CH", "13.361389", "38.115556", "Palermo"));
        assertEquals(dirty, h.server.keyspace().dirty, "a GEOADD that changes nothing is no change");
        assertEquals(":0\r\n", h.call("GEOADD", "newkey", "XX", "CH", "1", "2", "a"));
        assertNull(db.entry(b("newkey")));
        for (String[] cmd : new String[][] {{"GEOADD", "k", "NX", "XX", "1", "2", "a"}, {"GEOADD", "k", "GT", "1", "2", "a"},
                {"GEOADD", "k", "CH", "1", "2"}, {"GEOADD", "k", "1", "2", "a", "3"}, {"GEOADD", "k", "CH", "CH", "CH"}}) {
            assertEquals(SYNTAX, h.call(cmd), String.join(" ", cmd));
        }
        assertEquals("-ERR wrong number of arguments for 'geoadd' command\r\n", h.call("GEOADD", "k", "1", "2"));
    }

    @Test
    void coordinatesOutOfRangeOrNotNumbers() {
        assertEquals("-ERR invalid longitude,latitude pair 181.000000,0.000000\r\n", h.call("GEOADD", "k", "181", "0", "a"));
        assertEquals("-ERR invalid longitude,latitude pair 1.234568,-90.987654\r\n",
                h.call("GEOADD", "k", "1.23456789", "-90.98765432", "a"));
        assertEquals("-ERR invalid longitude,latitude pair inf,1.000000\r\n", h.call("GEOADD", "k", "inf", "1", "a"));
        assertEquals("-ERR value is not a valid float\r\n", h.call("GEOADD", "k", "nan", "1", "a"));
        assertEquals("-ERR invalid longitude,latitude pair 200.000000,1.000000\r\n",
                h.call("GEOADD", "k", "1", "1", "ok", "200", "1", "bad"));
        assertNull(db.entry(b("k")), "nothing is added when one pair is bad");
        assertEquals(":3\r\n", h.call("GEOADD", "k", "180", "85.05112878", "ne", "-180", "-85.05112878", "sw", "0", "0", "z"));
        assertEquals("*2\r\n*2\r\n$3\r\n180\r\n$19\r\n85.0511287799999991\r\n"
                + "*2\r\n$22\r\n-179.99999731779098511\r\n$21\r\n-85.05112751263942528\r\n", h.call("GEOPOS", "k", "ne", "sw"));
        assertEquals("*2\r\n$11\r\nbp05b5048p0\r\n$11\r\n00bh0hbj200\r\n", h.call("GEOHASH", "k", "ne", "sw"));
    }

    @Test
    void geodistInEachUnit() {
        sicily();
        assertEquals("$11\r\n166274.1516\r\n", h.call("GEODIST", "Sicily", "Palermo", "Catania"));
        assertEquals("$8\r\n166.2742\r\n", h.call("GEODIST", "Sicily", "Palermo", "Catania", "KM"));
        assertEquals("$8\r\n103.3182\r\n", h.call("GEODIST", "Sicily", "Palermo", "Catania", "mi"));
        assertEquals("$11\r\n545518.8700\r\n", h.call("GEODIST", "Sicily", "Palermo", "Catania", "Ft"));
        assertEquals("$6\r\n0.0000\r\n", h.call("GEODIST", "Sicily", "Palermo", "Palermo"));
        assertEquals("$-1\r\n", h.call("GEODIST", "Sicily", "Palermo", "x"));
        assertEquals("$-1\r\n", h.call("GEODIST", "nokey", "a", "b"));
        assertEquals("-ERR unsupported unit provided. please use M, KM, FT, MI\r\n",
                h.call("GEODIST", "Sicily", "Palermo", "Catania", "meters"));
        assertEquals(SYNTAX, h.call("GEODIST", "Sicily", "Palermo", "Catania", "km", "x"));
        h.call("SET", "str", "v");
        assertEquals(WRONGTYPE, h.call("GEODIST", "str", "a", "b"));
        assertEquals("-ERR unsupported unit provided. please use M, KM, FT, MI\r\n", h.call("GEODIST", "str", "a", "b", "x"));
    }

    @Test
    void wrongTypes() {
        h.call("SET", "str", "v");
        for (String[] cmd : new String[][] {{"GEOADD", "str", "1", "2", "a"}, {"GEOPOS", "str", "a"}, {"GEOHASH", "str", "a"},
                {"GEOSEARCH", "str", "FROMLONLAT", "200", "0", "BYRADIUS", "1", "km"},
                {"GEOSEARCHSTORE", "d", "str", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"},
                {"GEORADIUS", "str", "0", "0", "1", "km"}, {"GEORADIUS_RO", "str", "0", "0", "1", "km"}}) {
            assertEquals(WRONGTYPE, h.call(cmd), String.join(" ", cmd));
        }
    }

    @Test
    void searchesWithEveryReplyOption() {
        moreOfSicily();
        assertEquals("*3\r\n$9\r\nAgrigento\r\n$7\r\nPalermo\r\n$7\r\nCatania\r\n",
                h.call("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"));
        assertEquals("*3\r\n$7\r\nCatania\r\n$9\r\nAgrigento\r\n$7\r\nPalermo\r\n",
                h.call("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC"));
        assertEquals("*1\r\n*4\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n:3479447370796909\r\n" + CATANIA,
                h.call("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "WITHCOORD", "WITHDIST",
                        "WITHHASH", "COUNT", "1"));
        assertEquals("*2\r\n*2\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n*2\r\n$9\r\nAgrigento\r\n$8\r\n130.4235\r\n",
                h.call("GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "DESC", "COUNT", "2"));
        assertEquals("*2\r\n$9\r\nAgrigento\r\n$7\r\nPalermo\r\n",
                h.call("GEORADIUSBYMEMBER_RO", "Sicily", "Agrigento", "100", "km"));
        assertEquals("*0\r\n", h.call("GEOSEARCH", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"));
        assertEquals("*0\r\n", h.call("GEOSEARCH", "nokey", "FROMMEMBER", "x", "BYRADIUS", "1", "km"));
        assertEquals("*0\r\n", h.call("GEORADIUSBYMEMBER", "nokey", "x", "nan", "parsec"));
    }

    @Test
    void resp3RepliesCoordinatesAsDoubles() {
        moreOfSicily();
        h.call("HELLO", "3");
        assertEquals("*3\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n"
                + "*2\r\n,15.08726745843887329\r\n,37.50266842333162032\r\n_\r\n",
                h.call("GEOPOS", "Sicily", "Palermo", "Catania", "x"));
        assertEquals("*2\r\n$11\r\nsqc8b49rny0\r\n_\r\n", h.call("GEOHASH", "Sicily", "Palermo", "x"));
        assertEquals("$8\r\n166.2742\r\n", h.call("GEODIST", "Sicily", "Palermo", "Catania", "km"));
        assertEquals("_\r\n", h.call("GEODIST", "Sicily", "Palermo", "x"));
        assertEquals("*1\r\n*3\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n*2\r\n,15.08726745843887329\r\n,37.50266842333162032\r\n",
                h.call("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "WITHCOORD", "WITHDIST",
                        "COUNT", "1"));
    }

    @Test
    void argumentErrorsInRedisOrder() {
        moreOfSicily();
        String[][] cases = {
            {"-ERR could not decode requested zset member", "GEOSEARCH", "Sicily", "FROMMEMBER", "x", "BYRADIUS", "1", "parsec"},
            {"-ERR need numeric height", "GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYBOX", "-1", "x", "km"},
            {"-ERR height or width cannot be negative", "GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYBOX", "-1", "1", "km"},
            {"-ERR need numeric radius", "GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYRADIUS", "x", "km"},
            {"-ERR radius cannot be negative", "GEORADIUS", "Sicily", "1", "1", "-1", "km"},
            {"-ERR syntax error", "GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "BYBOX", "1", "1", "km"},
            {"-ERR syntax error", "GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "STORE", "d"},
            {"-ERR syntax error", "GEORADIUS_RO", "Sicily", "1", "1", "1", "km", "STORE", "d"},
            {"-ERR COUNT must be > 0", "GEORADIUS", "Sicily", "1", "1", "1", "km", "COUNT", "0"},
            {"-ERR value is not an integer or out of range", "GEORADIUS", "Sicily", "1", "1", "1", "km", "COUNT", "x"},
            {"-ERR the ANY argument requires COUNT argument", "GEOSEARCH", "nokey", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "m", "ANY"},
            {"-ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for geoSearch", "geoSearch", "Sicily", "BYRADIUS",
                "1", "km", "ASC", "DESC"},
            {"-ERR exactly one of BYRADIUS and BYBOX can be specified for GEOSEARCH", "GEOSEARCH", "Sicily", "FROMLONLAT", "1",
                "1", "ASC", "DESC"},
            {"-ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options", "GEOSEARCHSTORE", "d",
                "nokey", "FROMMEMBER", "x", "BYRADIUS", "1", "km", "WITHDIST"},
            {"-ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options",
                "GEORADIUSBYMEMBER", "Sicily", "Palermo", "1", "km", "STORE", "d", "WITHHASH"},
            {"-ERR unsupported unit provided. please use M, KM, FT, MI", "GEORADIUS", "Sicily", "1", "1", "1", "parsec"},
        };
        for (String[] c : cases) {
            String[] cmd = java.util.Arrays.copyOfRange(c, 1, c.length);
            assertEquals(c[0] + "\r\n", h.call(cmd), String.join(" ", cmd));
        }
    }

    @Test
    void storeFormsReplaceDeleteAndCount() {
        moreOfSicily();
        h.call("SET", "dst", "x", "EX", "100");
        long dirty = h.server.keyspace().dirty;
        assertEquals(":3\r\n", h.call("GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"));
        assertEquals(dirty + 3, h.server.keyspace().dirty, "Redis counts one change per member stored");
        assertEquals(":-1\r\n", h.call("TTL", "dst"));
        assertEquals("listpack", encoding("dst"));
        assertEquals("*1\r\n" + PALERMO, h.call("GEOPOS", "dst", "Palermo"));
        assertEquals(":2\r\n", h.call("GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km",
                "STOREDIST", "COUNT", "2"));
        assertEquals(":2\r\n", h.call("GEORADIUS", "Sicily", "15", "37", "200", "km", "STOREDIST", "d2", "COUNT", "2"));
        dirty = h.server.keyspace().dirty;
        assertEquals(":0\r\n", h.call("GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"));
        assertNull(db.entry(b("dst")));
        assertEquals(dirty + 1, h.server.keyspace().dirty);
        assertEquals(":0\r\n", h.call("GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"));
        assertEquals(dirty + 1, h.server.keyspace().dirty);
        assertEquals(":0\r\n", h.call("GEORADIUS", "nokey", "0", "0", "1", "km", "STORE", "d2"));
        assertNull(db.entry(b("d2")));
        h.config.zsetMaxListpackEntries = 2;
        assertEquals(":3\r\n", h.call("GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "d3"));
        assertEquals("skiplist", encoding("d3"));
    }
}
