package dev.cinnabar.server.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.db.Keyspace;
import dev.cinnabar.server.testing.EngineHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link KeyspaceMemoryTest}'s check for the geo commands (kept apart so that the families'
 * random runs merge without conflicts): after every random GEOADD, store search, deletion or
 * overwrite, used_memory equals a recount, across the listpack/skiplist conversion.
 */
class GeoKeyspaceMemoryTest {
    private static String key(Random r) {
        return "g" + r.nextInt(12);
    }

    private static String member(Random r) {
        return r.nextInt(10) == 0 ? "m".repeat(70) : r.nextInt(5) == 0 ? Integer.toString(r.nextInt(100)) : "m" + r.nextInt(60);
    }

    private static String lon(Random r) {
        return String.format(Locale.ROOT, "%.5f", 10 + r.nextDouble());
    }

    private static String lat(Random r) {
        return String.format(Locale.ROOT, "%.5f", 40 + r.nextDouble());
    }

    private static List<String> command(Random r) {
        List<String> c = new ArrayList<>();
        switch (r.nextInt(8)) {
            case 0: case 1: case 2:
                c.addAll(List.of("GEOADD", key(r)));
                if (r.nextInt(4) == 0) {
                    c.add(r.nextBoolean() ? "NX" : "XX");
                }
                if (r.nextInt(4) == 0) {
                    c.add("CH");
                }
                for (int i = 1 + r.nextInt(6); i > 0; i--) {
                    c.addAll(List.of(lon(r), lat(r), member(r)));
                }
                break;
            case 3:
                c.addAll(List.of("GEOSEARCHSTORE", key(r), key(r), "FROMLONLAT", lon(r), lat(r), "BYRADIUS",
                        Integer.toString(r.nextInt(80)), "km"));
                if (r.nextBoolean()) {
                    c.add("STOREDIST");
                }
                if (r.nextBoolean()) {
                    c.addAll(List.of("COUNT", Integer.toString(1 + r.nextInt(10))));
                }
                break;
            case 4:
                c.addAll(List.of("GEORADIUS", key(r), lon(r), lat(r), Integer.toString(r.nextInt(80)), "km",
                        r.nextBoolean() ? "STORE" : "STOREDIST", key(r)));
                break;
            case 5:
                c.addAll(List.of("DEL", key(r)));
                break;
            case 6:
                c.addAll(List.of("SET", key(r), "v"));
                break;
            default:
                c.addAll(List.of("GEOSEARCH", key(r), "FROMLONLAT", lon(r), lat(r), "BYBOX", "50", "50", "km"));
                break;
        }
        return c;
    }

    @Test
    void randomGeoWritesKeepTheCounterExact() {
        ServerConfig config = new ServerConfig();
        config.zsetMaxListpackEntries = 16; // sets cross to a skiplist now and then
        EngineHarness h = new EngineHarness(config);
        Keyspace ks = h.server.keyspace();
        Random r = new Random(11);
        for (int step = 0; step < 6000; step++) {
            List<String> cmd = command(r);
            h.call(cmd.toArray(new String[0]));
            assertEquals(KeyspaceMemoryTest.recount(ks.db(0)), ks.db(0).memory(), step + ": " + cmd);
        }
        assertTrue(ks.totalKeys() > 0);
    }
}
