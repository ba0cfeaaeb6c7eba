package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerProcess;
import org.junit.jupiter.api.Test;

class SmokeIT {
    @Test
    void startsLogsLikeRedisAndAnswers() throws Exception {
        try (ServerProcess s = ServerProcess.cinnabar(); RawConnection c = new RawConnection(s.port())) {
            assertEquals("+PONG\r\n", c.call("PING"));
            assertEquals("+OK\r\n", c.call("SET", "k", "v"));
            assertEquals("$1\r\nv\r\n", c.call("GET", "k"));
            String log = s.log();
            assertTrue(log.contains(" PID: " + s.pid()), log);
            assertTrue(log.contains("Ready to accept connections"), log);
        }
    }
}
