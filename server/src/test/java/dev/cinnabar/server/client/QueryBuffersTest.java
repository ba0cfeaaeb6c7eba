package dev.cinnabar.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class QueryBuffersTest {
    private static final long MB = 1024 * 1024;

    @Test
    void halfOfTheReserveAtLeastAndHalfOfTheRoomLeftWhileThereIsMore() {
        // 128 MB heap, 25% reserved: the data may reach 96 MB.
        assertEquals(128 * MB / 200 * 25, QueryBuffers.bound(128 * MB, 25, 90 * MB));
        assertEquals((128 * MB / 100 * 75 - 10 * MB) / 2, QueryBuffers.bound(128 * MB, 25, 10 * MB));
        assertEquals(0, QueryBuffers.bound(128 * MB, 0, 0), "heap-reserve 0 turns the guard off");
    }
}
