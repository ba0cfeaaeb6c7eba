package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.testing.EngineHarness;
import org.junit.jupiter.api.Test;

class ModuleCommandsTest {
    private static final String LOAD_FAILED = "-ERR Error loading the extension. Please check the server logs.\r\n";

    private static EngineHarness harness(String enableModuleCommand) {
        ServerConfig config = new ServerConfig();
        config.enableModuleCommand = enableModuleCommand;
        return new EngineHarness(config);
    }

    @Test
    void listIsEmptyWhateverTheSetting() {
        assertEquals("*0\r\n", harness("no").call("MODULE", "LIST"));
        assertEquals("*0\r\n", harness("yes").call("module", "list"));
    }

    @Test
    void loadsAreRefusedByDefaultBeforeTheyAreTried() {
        EngineHarness h = harness("no");
        for (String[] command : new String[][] {
                {"MODULE", "LOAD", "/x.so"}, {"MODULE", "LOADEX", "/x.so", "bogus"}, {"MODULE", "UNLOAD", "x"}}) {
            String reply = h.call(command);
            assertTrue(reply.startsWith("-ERR MODULE command not allowed. If the enable-module-command option"), reply);
        }
    }

    @Test
    void everyLoadFailsOnceAllowed() {
        EngineHarness h = harness("yes");
        assertEquals(LOAD_FAILED, h.call("MODULE", "LOAD", "/x.so", "arg"));
        assertEquals(LOAD_FAILED, h.call("MODULE", "LOADEX", "/x.so"));
        assertEquals(LOAD_FAILED, h.call("MODULE", "LOADEX", "/x.so", "CONFIG", "name"));
        assertEquals(LOAD_FAILED, h.call("MODULE", "LOADEX", "/x.so", "CONFIG", "n", "v", "ARGS", "a"));
        assertEquals(LOAD_FAILED, h.call("MODULE", "LOADEX", "/x.so", "bogus"));
        assertEquals("-ERR Error unloading module: no such module with that name\r\n", h.call("MODULE", "UNLOAD", "x"));
        assertEquals("*0\r\n", h.call("MODULE", "LIST"));
    }

    @Test
    void helpListsTheSubcommands() {
        String help = harness("no").call("MODULE", "HELP");
        assertTrue(help.startsWith("*11\r\n+MODULE <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+LIST\r\n"), help);
        assertTrue(help.endsWith("+HELP\r\n+    Prints this help.\r\n"), help);
    }
}
