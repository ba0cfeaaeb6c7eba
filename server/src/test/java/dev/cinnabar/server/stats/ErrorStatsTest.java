package dev.cinnabar.server.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cinnabar.server.stats.ServerStats;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorStatsTest {
    private static Map<String, Long> counts(ServerStats s) {
        Map<String, Long> out = new LinkedHashMap<>();
        s.errors.counts().forEach((k, v) -> out.put(k, v[0]));
        return out;
    }

    @Test
    void errorsAreFiledByTheirFirstWordSortedByCode() {
        ServerStats s = new ServerStats();
        s.errors.errorReplied("WRONGTYPE Operation against a key holding the wrong kind of value", 0);
        s.errors.errorReplied("ERR syntax error", 0);
        s.errors.errorReplied("-NOAUTH Authentication required.", 1);
        s.errors.errorReplied("ERR wrong number of arguments for 'get' command", 0);
        assertEquals(Map.of("ERR", 2L, "NOAUTH", 1L, "WRONGTYPE", 1L), counts(s));
        assertEquals("[ERR, NOAUTH, WRONGTYPE]", counts(s).keySet().toString());
        assertEquals(4, s.errorReplies);
    }

    @Test
    void aCodeWithoutASpaceInTheFirst31BytesCountsAsErr() {
        ServerStats s = new ServerStats();
        s.errors.errorReplied("A23456789012345678901234567890 x", 0); // 30 bytes: kept
        s.errors.errorReplied("A234567890123456789012345678901 x", 0); // 31 bytes: ERR
        s.errors.errorReplied("NOSPACE", 0);
        assertEquals(Map.of("A23456789012345678901234567890", 1L, "ERR", 2L), counts(s));
    }

    @Test
    void resetStatClearsThem() {
        ServerStats s = new ServerStats();
        s.errors.errorReplied("ERR x", 0);
        s.reset();
        assertEquals(Map.of(), counts(s));
        assertEquals(0, s.errorReplies);
    }
}
