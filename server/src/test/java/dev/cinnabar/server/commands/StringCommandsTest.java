package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cinnabar.server.testing.EngineHarness;
import org.junit.jupiter.api.Test;

class StringCommandsTest {
    private final EngineHarness h = new EngineHarness();

    @Test
    void setThenGet() {
        assertEquals("+OK\r\n", h.call("SET", "k", "v"));
        assertEquals("$1\r\nv\r\n", h.call("get", "k"));
        assertEquals("$-1\r\n", h.call("GET", "missing"));
    }
}
