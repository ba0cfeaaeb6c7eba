package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.Replies;
import dev.cinnabar.it.support.ServerProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Every directive and its default, as a real redis-server started with nothing but a port
 * reports them, against the JAR started the same way. The expectation is read from the live
 * server rather than written down, so it is Redis's own.
 */
class ConfigDefaultsIT {
    private static Map<String, String> all(int port) throws Exception {
        try (RawConnection c = new RawConnection(port)) {
            List<String> e = Replies.elements(c.call("CONFIG", "GET", "*"));
            Map<String, String> m = new TreeMap<>();
            for (int i = 0; i + 1 < e.size(); i += 2) {
                m.put(bulk(e.get(i)), bulk(e.get(i + 1)));
            }
            return m;
        }
    }

    private static String bulk(String raw) {
        return raw.substring(raw.indexOf("\r\n") + 2, raw.length() - 2);
    }

    @Test
    void everyDirectiveAndDefaultMatchesRedis() throws Exception {
        int redisPort = ServerProcess.freePort();
        try (ServerProcess redis = ServerProcess.start("redis",
                List.of(ServerProcess.redisServerBinary(), "--port", Integer.toString(redisPort)), redisPort);
                ServerProcess cinnabar = ServerProcess.cinnabar()) {
            Map<String, String> expected = all(redis.port());
            Map<String, String> actual = all(cinnabar.port());
            assertTrue(expected.size() > 150, "redis-server listed " + expected.size());
            // Each was started on its own port, in its own working directory.
            for (String differs : List.of("port", "dir")) {
                expected.remove(differs);
                actual.remove(differs);
            }
            assertEquals(expected, actual);

            // Asked one by one, and in upper case, each name answers the same too.
            List<String> names = new ArrayList<>(expected.keySet());
            try (RawConnection r = new RawConnection(redis.port()); RawConnection c = new RawConnection(cinnabar.port())) {
                for (String name : names) {
                    assertEquals(r.call("CONFIG", "GET", name.toUpperCase()), c.call("CONFIG", "GET", name.toUpperCase()), name);
                }
            }
        }
    }
}
