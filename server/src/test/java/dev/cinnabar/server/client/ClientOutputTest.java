package dev.cinnabar.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ClientOutputTest {
    @Test
    void theNextBufferIsSizedForALikeBatchWithinRedisesReplyChunk() {
        ClientOutput out = new ClientOutput(0);
        assertEquals(256, out.nextBufferCapacity(), "nothing sent yet");
        int[][] batchToCapacity = {{5, 256}, {256, 256}, {257, 512}, {1200, 2048}, {2048, 2048}, {2049, 4096},
                {16 * 1024, 16 * 1024}, {5_000_000, 16 * 1024}, {40, 256}};
        for (int[] c : batchToCapacity) {
            out.wrote(c[0]);
            assertEquals(c[1], out.nextBufferCapacity(), "after a batch of " + c[0]);
        }
    }
}
