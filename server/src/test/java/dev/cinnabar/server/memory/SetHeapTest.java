package dev.cinnabar.server.memory;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.value.SetValue;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.db.Keyspace;
import dev.cinnabar.server.testing.HeapMeasure;
import dev.cinnabar.server.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The set type's heap figure against the real heap: intsets and hashtables of several sizes,
 * measured as the growth of the heap after full collections, within 3% (see KeyspaceHeapTest).
 */
class SetHeapTest {
    @Test
    void setsMatchTheHeap() throws InterruptedException {
        ManualClock clock = new ManualClock();
        Keyspace ks = new Keyspace(16, clock);
        Db db = ks.db(0);
        // Warm up the classes the loop uses, so that the measure is of the data alone.
        SetValue warm = SetValue.newIntset();
        warm.add(new byte[] {'x'}, 0, 1, 512);
        long before = HeapMeasure.usedAfterGc();
        long memoryBefore = ks.memory();
        for (int i = 0; i < 60_000; i++) {
            byte[] key = ("set:" + i).getBytes(StandardCharsets.US_ASCII);
            SetValue s = SetValue.newIntset();
            int members = 1 + i % 23;
            for (int m = 0; m < members; m++) {
                byte[] member = (i % 2 == 0 ? Integer.toString(m * 7919) : "member:" + m)
                        .getBytes(StandardCharsets.US_ASCII);
                s.add(member, 0, member.length, 512);
            }
            if (i % 5 == 0) {
                byte[] gone = (i % 2 == 0 ? "0" : "member:0").getBytes(StandardCharsets.US_ASCII);
                s.remove(gone, 0, gone.length);
            }
            db.setKey(key, s, false);
        }
        long heap = HeapMeasure.usedAfterGc() - before;
        long estimate = ks.memory() - memoryBefore + HeapMeasure.slabSlack(ks);
        double ratio = (double) estimate / heap;
        assertTrue(Math.abs(1 - ratio) < 0.03, "estimate " + estimate + " vs heap " + heap + " (" + ratio + ")");
        assertTrue(ks.totalKeys() == 60_000);
    }
}
