package dev.cinnabar.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.cinnabar.server.testing.EngineHarness;
import org.junit.jupiter.api.Test;

/**
 * The Lua environment (LuaJ's globals, the redis table, the function registry) is part of the
 * server's fixed memory cost only for those who script: it is built at the first command that
 * needs it, not at start, nor by INFO's fields on scripts and functions.
 */
class LazyScriptingTest {
    @Test
    void theLuaEnvironmentIsBuiltAtTheFirstScript() {
        EngineHarness h = new EngineHarness();
        h.call("SET", "k", "v");
        h.call("INFO");
        assertEquals("*2\r\n:0\r\n:0\r\n",
                h.call("SCRIPT", "EXISTS", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0000000000000000000000000000000000000000"));
        assertEquals("*0\r\n", h.call("FUNCTION", "LIST"));
        assertEquals("*0\r\n", h.call("FUNCTION", "LIST", "LIBRARYNAME", "x", "WITHCODE"));
        assertNull(h.server.scripting, "no script has run");
        assertEquals(":1\r\n", h.call("EVAL", "return 1", "0"));
        assertEquals("*2\r\n:1\r\n:0\r\n",
                h.call("SCRIPT", "EXISTS", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0000000000000000000000000000000000000000"));
        assertNotNull(h.server.scripting);
    }
}
