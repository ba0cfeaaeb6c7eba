package dev.cinnabar.server.memory;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.stream.StreamConsumer;
import dev.cinnabar.datatypes.stream.StreamGroup;
import dev.cinnabar.datatypes.stream.StreamId;
import dev.cinnabar.datatypes.value.StreamValue;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.db.Keyspace;
import dev.cinnabar.server.testing.HeapMeasure;
import dev.cinnabar.server.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The stream type's heap figure against the real heap: streams of several lengths over several
 * nodes, some with a consumer group, consumers and pending entries, measured as the growth of
 * the heap after full collections, within 3% (see KeyspaceHeapTest).
 */
class StreamHeapTest {
    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void streamsMatchTheHeap() throws InterruptedException {
        ManualClock clock = new ManualClock();
        Keyspace ks = new Keyspace(16, clock);
        Db db = ks.db(0);
        byte[][] fv = {ascii("field"), ascii("value"), ascii("n"), ascii("12345")};
        StreamValue warm = new StreamValue();
        warm.append(1, 1, fv, 0, 2, 4096, 100);
        warm.createGroup(ascii("g"), 0, 0, 0).createConsumer(ascii("c"), 0);
        long before = HeapMeasure.usedAfterGc();
        long memoryBefore = ks.memory();
        for (int i = 0; i < 20_000; i++) {
            StreamValue s = new StreamValue();
            int entries = 1 + i % 150;
            for (int e = 0; e < entries; e++) {
                s.append(1000 + e, e % 3, fv, 0, 2, 4096, 100);
            }
            if (i % 4 == 0) {
                StreamGroup g = s.createGroup(ascii("group"), 0, 0, 0);
                StreamConsumer c = g.createConsumer(ascii("consumer-" + i % 7), 0);
                for (int e = 0; e < Math.min(entries, 20); e++) {
                    g.deliver(new StreamId(1000 + e, e % 3), c, 5);
                }
            }
            db.setKey(ascii("stream:" + i), s, false);
        }
        long heap = HeapMeasure.usedAfterGc() - before;
        long estimate = ks.memory() - memoryBefore + HeapMeasure.slabSlack(ks);
        double ratio = (double) estimate / heap;
        assertTrue(Math.abs(1 - ratio) < 0.03, "estimate " + estimate + " vs heap " + heap + " (" + ratio + ")");
    }
}
