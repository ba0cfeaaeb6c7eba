package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerPair;
import dev.cinnabar.it.support.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * MODULE with {@code enable-module-command yes}, against redis-server: every load fails (Redis's
 * because the library does not exist or cannot run, Cinnabar's because it loads none), and the
 * replies, argument checks of LOADEX included, are Redis's. The default setting's refusals are
 * in the differential corpus ({@code module.txt}).
 */
class ModuleIT {
    @RegisterExtension
    static final ServerPair SERVERS = new ServerPair("--enable-module-command", "yes");

    @TempDir
    static Path dir;

    private static List<String> replies(ServerProcess s, String notExecutable) throws IOException {
        String[][] commands = {
            {"MODULE", "LIST"},
            {"MODULE", "LOAD", "/nonexistent/module.so"},
            {"MODULE", "LOAD", "/nonexistent/module.so", "a", "b"},
            {"MODULE", "LOAD", notExecutable},
            {"MODULE", "LOAD", ""},
            {"MODULE", "LOADEX", "/nonexistent/module.so"},
            {"MODULE", "LOADEX", "/nonexistent/module.so", "CONFIG"},
            {"MODULE", "LOADEX", "/nonexistent/module.so", "CONFIG", "name"},
            {"MODULE", "LOADEX", "/nonexistent/module.so", "config", "name", "value"},
            {"MODULE", "LOADEX", "/nonexistent/module.so", "CONFIG", "n", "v", "ARGS"},
            {"MODULE", "LOADEX", "/nonexistent/module.so", "ARGS", "CONFIG"},
            {"MODULE", "LOADEX", "/nonexistent/module.so", "bogus"},
            {"MODULE", "UNLOAD", "nosuch"},
            {"MODULE", "UNLOAD", "nosuch", "extra"},
            {"MODULE", "LIST"},
        };
        List<String> out = new ArrayList<>();
        try (RawConnection c = new RawConnection(s.port())) {
            for (String[] command : commands) {
                out.add(String.join(" ", command) + " -> " + c.call(command));
            }
        }
        return out;
    }

    @Test
    void loadsFailAsRedissDoAndNothingIsListed() throws IOException {
        Path notExecutable = Files.writeString(dir.resolve("not-executable.so"), "not a library");
        List<String> redis = replies(SERVERS.redis(), notExecutable.toString());
        List<String> ours = replies(SERVERS.cinnabar(), notExecutable.toString());
        assertEquals(String.join("\n", redis), String.join("\n", ours));
        assertTrue(ours.get(1).endsWith("-ERR Error loading the extension. Please check the server logs.\r\n"), ours.get(1));
        assertEquals("MODULE LIST -> *0\r\n", ours.get(ours.size() - 1));
    }
}
