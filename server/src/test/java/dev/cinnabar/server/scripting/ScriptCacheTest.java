package dev.cinnabar.server.scripting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cinnabar.server.testing.EngineHarness;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The script cache keeps every script's source but only the recently run ones compiled: a script
 * whose compiled function was dropped runs the same when called again, by SHA or by body.
 */
class ScriptCacheTest {
    private final EngineHarness h = new EngineHarness();

    private static String script(int i) {
        return "local v = redis.call('GET', KEYS[1]) if v then return v .. '" + i + "' end return " + i;
    }

    private static String sha(String body) {
        byte[] b = body.getBytes();
        return Scripting.sha1hex(b, 0, b.length);
    }

    @Test
    void scriptsRunAfterTheirCompiledFormsWereDropped() {
        int n = ScriptCache.COMPILED_MAX * 3;
        for (int i = 0; i < n; i++) {
            assertEquals(":" + i + "\r\n", h.call("EVAL", script(i), "1", "nokey"));
        }
        h.call("SET", "k", "v");
        for (int i = 0; i < n; i += 7) {
            assertEquals("$" + (1 + Integer.toString(i).length()) + "\r\nv" + i + "\r\n",
                    h.call("EVALSHA", sha(script(i)), "1", "k"));
            assertEquals(":" + i + "\r\n", h.call("EVAL", script(i), "1", "nokey"));
        }
        assertEquals("$40\r\n" + sha(script(0)) + "\r\n", h.call("SCRIPT", "LOAD", script(0)));
    }

    @Test
    void loadedScriptsRunBySha() {
        String s = "#!lua flags=no-writes\nreturn redis.call('GET', KEYS[1])";
        assertEquals("$40\r\n" + sha(s) + "\r\n", h.call("SCRIPT", "LOAD", s));
        h.call("SET", "k", "v");
        assertEquals("$1\r\nv\r\n", h.call("EVALSHA_RO", sha(s), "1", "k"));
        assertEquals("-ERR user_script:2: boom script: " + sha("\nerror('boom')") + ", on @user_script:2.\r\n",
                h.call("EVALSHA", h.call("SCRIPT", "LOAD", "\nerror('boom')").substring(5, 45), "0"));
    }

    @Test
    void shasAreMatchedInEitherCaseAndOnlyWhenWellFormed() {
        String s = "return 1";
        h.call("SCRIPT", "LOAD", s);
        String upper = sha(s).toUpperCase(Locale.ROOT);
        assertEquals(":1\r\n", h.call("EVALSHA", upper, "0"));
        assertEquals("*4\r\n:1\r\n:1\r\n:0\r\n:0\r\n",
                h.call("SCRIPT", "EXISTS", sha(s), upper, sha(s).substring(1), "g" + sha(s).substring(1)));
        assertEquals("-NOSCRIPT No matching script. Please use EVAL.\r\n", h.call("EVALSHA", sha(s) + "0", "0"));
        assertEquals("+OK\r\n", h.call("SCRIPT", "FLUSH"));
        assertEquals("*1\r\n:0\r\n", h.call("SCRIPT", "EXISTS", sha(s)));
        assertEquals(":1\r\n", h.call("EVAL", s, "0"));
        assertEquals("*1\r\n:1\r\n", h.call("SCRIPT", "EXISTS", sha(s)));
    }
}
