package dev.cinnabar.datatypes;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The heap figure a quicklist keeps against the real heap: twenty thousand lists of compressed
 * and raw nodes, measured as the growth of the heap after full collections. A node or object
 * size off by a field would show as a few percent.
 */
class QuicklistHeapTest {
    private static long heapAfterGc() throws InterruptedException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
            best = Math.min(best, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    @Test
    void estimateMatchesTheHeap() throws InterruptedException {
        SplittableRandom r = new SplittableRandom(7);
        Quicklist[] lists = new Quicklist[20_000];
        long before = heapAfterGc();
        long estimate = 0;
        for (int i = 0; i < lists.length; i++) {
            Quicklist q = new Quicklist(i % 2 == 0 ? 4 : -2, i % 3);
            // Some lists get their elements as multi-element pushes do, with room reserved.
            boolean announced = i % 5 == 0;
            if (announced) {
                q.expectPushes(600);
            }
            for (int j = r.nextInt(60); j >= 0; j--) {
                byte[] v = (r.nextBoolean() ? Integer.toString(r.nextInt(100000)) : "element-" + r.nextInt(50) + "-pad")
                        .getBytes(StandardCharsets.US_ASCII);
                if (r.nextBoolean()) {
                    q.pushTail(v, 0, v.length);
                } else {
                    q.pushHead(v, 0, v.length);
                }
            }
            if (announced) {
                q.endPushes();
            }
            lists[i] = q;
            estimate += q.heapSize();
        }
        long heap = heapAfterGc() - before - (16 + 4L * lists.length);
        double ratio = (double) estimate / heap;
        assertTrue(Math.abs(1 - ratio) < 0.03, "estimate " + estimate + " vs heap " + heap + " (" + ratio + ")");
        assertTrue(lists[lists.length - 1].size() >= 0);
    }
}
