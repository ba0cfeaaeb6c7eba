package dev.cinnabar.server.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AofManifestTest {
    /** What Redis 7.0.15 wrote after a start with appendonly yes and three rewrites, GC off. */
    private static final String REDIS_WROTE = """
            file appendonly.aof.4.base.rdb seq 4 type b
            file appendonly.aof.3.incr.aof seq 3 type h
            file appendonly.aof.3.base.rdb seq 3 type h
            file appendonly.aof.2.incr.aof seq 2 type h
            file appendonly.aof.2.base.rdb seq 2 type h
            file appendonly.aof.1.incr.aof seq 1 type h
            file appendonly.aof.1.base.rdb seq 1 type h
            file appendonly.aof.4.incr.aof seq 4 type i
            """;

    private static AofManifest parse(String s) throws AofManifest.FormatException {
        return AofManifest.parse(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void readsAndWritesBackRedisManifest() throws Exception {
        AofManifest m = parse(REDIS_WROTE);
        assertEquals("appendonly.aof.4.base.rdb", m.base().fileName());
        assertEquals(6, m.history().size());
        assertEquals("appendonly.aof.4.incr.aof", m.lastIncr().fileName());
        assertEquals(REDIS_WROTE, m.format());
    }

    @Test
    void buildsTheSameSequenceAsRedis() {
        // Start: base 1 and incr 1. Each rewrite: a new incr, a new base, the old ones history.
        AofManifest m = new AofManifest();
        assertTrue(m.isEmpty());
        m.newBase("appendonly.aof", true);
        m.newIncr("appendonly.aof");
        for (int i = 0; i < 3; i++) {
            m.newIncr("appendonly.aof");
            m.newBase("appendonly.aof", true);
            m.markIncrsAsHistory(true);
        }
        assertEquals(REDIS_WROTE, m.format());
        assertEquals(6, m.takeHistory().size());
        assertEquals("file appendonly.aof.4.base.rdb seq 4 type b\nfile appendonly.aof.4.incr.aof seq 4 type i\n",
                m.format());
    }

    @Test
    void aofBaseWithoutPreambleAndQuotedNames() throws Exception {
        AofManifest m = new AofManifest();
        assertEquals("my file.1.base.aof", m.newBase("my file", false));
        m.newIncr("my file");
        String text = m.format();
        assertEquals("file \"my file.1.base.aof\" seq 1 type b\nfile \"my file.1.incr.aof\" seq 1 type i\n", text);
        assertEquals(text, parse(text).format());
    }

    @Test
    void commentsAndUnknownKeysAreSkipped() throws Exception {
        AofManifest m = parse("# a comment\nfile a.1.incr.aof seq 1 type i future x\n");
        assertNull(m.base());
        assertEquals(1, m.incrs().size());
    }

    @Test
    void redisErrors() {
        assertEquals("Found an empty AOF manifest", error(""));
        assertEquals("Invalid AOF manifest file format", error("\n"));
        assertEquals("Invalid AOF manifest file format", error("file a seq 1\n"));
        assertEquals("Invalid AOF manifest file format", error("file a seq 0 type i\n"));
        assertEquals("File can't be a path, just a filename", error("file ../a seq 1 type i\n"));
        assertEquals("Found duplicate base file information",
                error("file a seq 1 type b\nfile b seq 2 type b\n"));
        assertEquals("Found a non-monotonic sequence number",
                error("file a seq 2 type i\nfile b seq 2 type i\n"));
        assertEquals("Unknown AOF file type", error("file a seq 1 type x\n"));
        assertEquals("The AOF manifest file contains too long line", error("file " + "a".repeat(1100) + " seq 1 type i\n"));
        assertEquals("The AOF manifest file contains too long line", error("file a seq 1 type i"));
    }

    private static String error(String text) {
        return assertThrows(AofManifest.FormatException.class, () -> parse(text)).getMessage();
    }
}
