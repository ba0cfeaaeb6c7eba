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
        assertNull(h.server.scripting, "no script has run");
        assertEquals(":1\r\n", h.call("EVAL", "return 1", "0"));
        assertNotNull(h.server.scripting);
    }
}
