package dev.cinnabar.server.memory;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.value.HashValue;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.db.Keyspace;
import dev.cinnabar.server.testing.HeapMeasure;
import dev.cinnabar.server.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The hash heap figures against the real heap, as {@code KeyspaceHeapTest} does for strings. */
class HashHeapTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void smallAndLargeHashesMatchTheHeap() throws InterruptedException {
        ManualClock clock = new ManualClock();
        long before = HeapMeasure.usedAfterGc();
        Keyspace ks = new Keyspace(16, clock);
        Db db = ks.db(0);
        for (int i = 0; i < 200_000; i++) {
            HashValue h = new HashValue();
            int fields = 1 + i % 10;
            for (int f = 0; f < fields; f++) {
                h.set(b("field:" + f), b(f % 2 == 0 ? Integer.toString(i) : "value-" + i), 512, 64);
            }
            db.setKey(b("small:" + i), h, false);
        }
        for (int i = 0; i < 300; i++) {
            HashValue h = new HashValue();
            for (int f = 0; f < 700 + i; f++) {
                h.set(b("f" + f), b("v" + f * i), 512, 64);
            }
            db.setKey(b("big:" + i), h, false);
        }
        long heap = HeapMeasure.usedAfterGc() - before;
        long estimate = ks.memory() + HeapMeasure.slabSlack(ks);
        double ratio = (double) estimate / heap;
        assertTrue(Math.abs(1 - ratio) < 0.02, "estimate " + estimate + " vs heap " + heap + " (" + ratio + ")");
        assertTrue(ks.totalKeys() == 200_300);
    }
}
