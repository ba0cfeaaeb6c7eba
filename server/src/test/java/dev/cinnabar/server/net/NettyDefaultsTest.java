package dev.cinnabar.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class NettyDefaultsTest {
    @Test
    void fillsWhatIsUnsetAndKeepsWhatTheUserSet() {
        Properties p = new Properties();
        p.setProperty("io.netty.allocator.type", "adaptive");
        p.setProperty("io.netty.leakDetection.level", "paranoid");
        NettyDefaults.apply(p);
        assertEquals("adaptive", p.getProperty("io.netty.allocator.type"));
        assertEquals("paranoid", p.getProperty("io.netty.leakDetection.level"));
        assertEquals("1", p.getProperty("io.netty.allocator.numDirectArenas"));
        assertEquals("7", p.getProperty("io.netty.allocator.maxOrder"));
        assertEquals("false", p.getProperty("io.netty.jfr.enabled"));
        assertEquals(NettyDefaults.defaults().size(), p.size());
    }

    @Test
    void oneAllocatorOneArenaSmallChunks() {
        Properties p = new Properties();
        NettyDefaults.apply(p);
        assertEquals("pooled", p.getProperty("io.netty.allocator.type"));
        assertEquals("1", p.getProperty("io.netty.allocator.numHeapArenas"));
        assertEquals("disabled", p.getProperty("io.netty.leakDetection.level"));
        assertEquals("false", p.getProperty("io.netty.buffer.checkAccessible"));
    }
}
