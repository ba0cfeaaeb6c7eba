package dev.cinnabar.server.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.testing.EngineHarness;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Meta and binary writes reach replicas and the AOF as the Redis commands of the item store. */
class MetaBinaryPropagationTest {
    private final EngineHarness h = new EngineHarness();
    private final MemcachedTestConnection m = new MemcachedTestConnection(h);
    private final List<String> propagated = new ArrayList<>();

    MetaBinaryPropagationTest() {
        h.server.propagation().addSink((db, cmd) -> propagated.add(db + " " + render(cmd)));
    }

    private static String render(Argv a) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < a.count(); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(a.latin1(i));
        }
        return sb.toString();
    }

    @Test
    void metaWrites() {
        long now = h.clock.millis();
        m.sendText("ms k 3 T100\r\nold\r\n");
        m.sendText("mg v N30\r\n");
        m.sendText("md k I T50\r\n");
        m.sendText("ms k 3 C1 I\r\nnew\r\n"); // an older CAS: stored stale, the expiry kept
        m.sendText("ma c N0 J5 T20\r\n");
        m.sendText("md v\r\n");
        m.sendText("mg k v\r\nme k\r\nmn\r\n"); // reads: nothing
        assertEquals(List.of(
                "0 SET k old PXAT " + (now + 100_000),
                "0 SET v  PXAT " + (now + 30_000),
                "0 PEXPIREAT k " + (now + 50_000),
                "0 SET k new PXAT " + (now + 50_000),
                // one command, one unit: wrapped as Redis wraps a command that propagates two
                "0 MULTI",
                "0 SET c 5",
                "0 PEXPIREAT c " + (now + 20_000),
                "0 EXEC",
                "0 DEL v"), propagated);
    }

    @Test
    void binaryWrites() {
        long now = h.clock.millis();
        byte[] k = MemcachedTestConnection.bytes("k");
        byte[] none = new byte[0];
        m.send(MemcachedTestConnection.concat(
                MemcachedTestConnection.frame(0x11, k, ByteBuffer.allocate(8).putInt(1).putInt(10).array(),
                        MemcachedTestConnection.bytes("v"), 0, 0),
                MemcachedTestConnection.frame(0x15, MemcachedTestConnection.bytes("n"),
                        ByteBuffer.allocate(20).putLong(1).putLong(7).putInt(60).array(), none, 0, 0),
                MemcachedTestConnection.frame(0x00, k, none, none, 0, 0),
                MemcachedTestConnection.frame(0x14, k, none, none, 0, 0)));
        assertEquals(List.of(
                "0 SET k v PXAT " + (now + 10_000),
                "0 SET n 7 PXAT " + (now + 60_000),
                "0 DEL k"), propagated);
    }
}
