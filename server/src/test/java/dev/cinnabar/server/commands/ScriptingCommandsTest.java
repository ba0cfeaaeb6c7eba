package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cinnabar.server.testing.EngineHarness;
import org.junit.jupiter.api.Test;

/** EVAL, EVALSHA, their _RO forms and SCRIPT: replies, conversions and errors, RESP2 and RESP3. */
class ScriptingCommandsTest {
    private final EngineHarness h = new EngineHarness();

    private String sha(String body) {
        return dev.cinnabar.server.scripting.Scripting.sha1hex(body.getBytes(), 0, body.length());
    }

    @Test
    void basics() {
        assertEquals(":1\r\n", h.call("EVAL", "return 1", "0"));
        assertEquals("$1\r\nx\r\n", h.call("EVAL", "return 'x'", "0"));
        assertEquals("+OK\r\n", h.call("EVAL", "return redis.call('set', KEYS[1], ARGV[1])", "1", "k", "v"));
        assertEquals("$1\r\nv\r\n", h.call("GET", "k"));
        assertEquals("*2\r\n$1\r\nk\r\n$1\r\nv\r\n", h.call("EVAL", "return {KEYS[1], ARGV[1]}", "1", "k", "v"));
    }

    @Test
    void errors() {
        String s = "error('boom')";
        assertEquals("-ERR user_script:1: boom script: " + sha(s) + ", on @user_script:1.\r\n", h.call("EVAL", s, "0"));
        s = "return nosuch";
        assertEquals("-ERR user_script:1: Script attempted to access nonexistent global variable 'nosuch' script: "
                + sha(s) + ", on @user_script:1.\r\n", h.call("EVAL", s, "0"));
        s = "x = 1";
        assertEquals("-ERR user_script:1: Attempt to modify a readonly table script: " + sha(s)
                + ", on @user_script:1.\r\n", h.call("EVAL", s, "0"));
        s = "return redis.call('nosuch')";
        assertEquals("-ERR Unknown Redis command called from script script: " + sha(s)
                + ", on @user_script:1.\r\n", h.call("EVAL", s, "0"));
        assertEquals("-NOSCRIPT No matching script. Please use EVAL.\r\n", h.call("EVALSHA", sha("nope"), "0"));
    }
}
