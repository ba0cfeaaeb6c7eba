package dev.cinnabar.server.memcached;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.testing.EngineHarness;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The meta and binary hot paths (mg/ms, binary get/set) allocate nothing per request. */
class MetaBinaryAllocationTest {
    private static long perRequest(EngineHarness h, Client mc, byte[] warm, byte[] request, int requestsPerBatch) {
        MemcachedSession s = (MemcachedSession) mc.memcached;
        s.feed(warm, 0, warm.length);
        h.engine.processInput(mc);
        for (int i = 0; i < 20_000; i++) {
            s.feed(request, 0, request.length);
            h.engine.processInput(mc);
            mc.reply.buffer().clear();
        }
        com.sun.management.ThreadMXBean bean =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = bean.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            s.feed(request, 0, request.length);
            h.engine.processInput(mc);
            mc.reply.buffer().clear();
        }
        return (bean.getCurrentThreadAllocatedBytes() - before) / (10_000L * requestsPerBatch);
    }

    @Test
    void metaGetAndSet() {
        EngineHarness h = new EngineHarness();
        Client mc = h.memcachedClient();
        byte[] warm = "ms key 10 F3\r\n0123456789\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] request = "mg key v f c t k O12\r\nms key 10 T0 c\r\n9876543210\r\nmg nokey v q\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        long n = perRequest(h, mc, warm, request, 3);
        assertTrue(n < 16, "bytes allocated per request: " + n);
    }

    @Test
    void binaryGetAndSet() {
        EngineHarness h = new EngineHarness();
        Client mc = h.memcachedClient();
        byte[] key = "key".getBytes(StandardCharsets.US_ASCII);
        byte[] set = MemcachedTestConnection.frame(0x01, key, ByteBuffer.allocate(8).putInt(3).putInt(0).array(),
                "0123456789".getBytes(StandardCharsets.US_ASCII), 7, 0);
        byte[] get = MemcachedTestConnection.frame(0x0c, key, new byte[0], new byte[0], 8, 0);
        byte[] getq = MemcachedTestConnection.frame(0x09, "nokey".getBytes(StandardCharsets.US_ASCII), new byte[0],
                new byte[0], 9, 0);
        byte[] request = MemcachedTestConnection.concat(get, set, getq);
        long n = perRequest(h, mc, set, request, 3);
        assertTrue(n < 16, "bytes allocated per request: " + n);
    }
}
