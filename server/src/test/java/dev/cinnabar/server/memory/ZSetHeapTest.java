package dev.cinnabar.server.memory;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.value.ZSetValue;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.db.Keyspace;
import dev.cinnabar.server.testing.HeapMeasure;
import dev.cinnabar.server.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The sorted-set type's heap figure against the real heap: listpacks and skiplists of several
 * sizes, measured as the growth of the heap after full collections, within 3% (see
 * KeyspaceHeapTest).
 */
class ZSetHeapTest {
    @Test
    void sortedSetsMatchTheHeap() throws InterruptedException {
        ManualClock clock = new ManualClock();
        Keyspace ks = new Keyspace(16, clock);
        Db db = ks.db(0);
        ZSetValue warm = ZSetValue.newListpack();
        warm.add(1, new byte[] {'x'}, 0, 128, 64, null);
        ZSetValue warm2 = ZSetValue.newSkiplist();
        warm2.add(1, new byte[] {'x'}, 0, 128, 64, null);
        long before = HeapMeasure.usedAfterGc();
        long memoryBefore = ks.memory();
        for (int i = 0; i < 4_000; i++) {
            byte[] key = ("zset:" + i).getBytes(StandardCharsets.US_ASCII);
            // Small ones stay listpacks; every fourth one is a skiplist of a few hundred members.
            boolean big = i % 4 == 0;
            ZSetValue z = ZSetValue.newListpack();
            int members = big ? 130 + i % 300 : 1 + i % 40;
            for (int m = 0; m < members; m++) {
                byte[] member = ("member:" + m).getBytes(StandardCharsets.US_ASCII);
                z.add(m % 17 + 0.5 * (m % 3), member, 0, member.length, 0, 128, 64, null);
            }
            if (i % 3 == 0) {
                byte[] gone = "member:0".getBytes(StandardCharsets.US_ASCII);
                z.remove(gone, 0, gone.length);
                byte[] moved = "member:1".getBytes(StandardCharsets.US_ASCII);
                z.add(1000, moved, 0, moved.length, ZSetValue.INCR, 128, 64, null);
            }
            db.setKey(key, z, false);
        }
        long heap = HeapMeasure.usedAfterGc() - before;
        long estimate = ks.memory() - memoryBefore + HeapMeasure.slabSlack(ks);
        double ratio = (double) estimate / heap;
        assertTrue(Math.abs(1 - ratio) < 0.03, "estimate " + estimate + " vs heap " + heap + " (" + ratio + ")");
    }
}
