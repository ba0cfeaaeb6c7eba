package dev.cinnabar.server.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HumanBytesTest {
    @Test
    void redisUnits() {
        assertEquals("0B", HumanBytes.of(0));
        assertEquals("1023B", HumanBytes.of(1023));
        assertEquals("1.00K", HumanBytes.of(1024));
        // Figures redis-server 7.0.15 printed for these byte counts.
        assertEquals("893.28K", HumanBytes.of(914_720));
        assertEquals("6.42M", HumanBytes.of(6_733_824));
        assertEquals("23.54G", HumanBytes.of(25_276_026_880L));
        assertEquals("1.00T", HumanBytes.of(1L << 40));
        assertEquals("1.00P", HumanBytes.of(1L << 50));
        assertEquals("1152921504606846976B", HumanBytes.of(1L << 60));
    }

}
