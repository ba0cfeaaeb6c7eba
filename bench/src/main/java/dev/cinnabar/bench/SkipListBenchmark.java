package dev.cinnabar.bench;

import dev.cinnabar.datatypes.SkipList;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What redis-benchmark's ZADD does to a sorted set once its members exist: a random member gets
 * a random score from the same range, so almost every update moves the member far away (two
 * searches from the top, an unlink and a link). Members look like redis-benchmark's
 * ({@code element:000000012345}). The searches are bound by memory latency, so the figure
 * depends on how the nodes lie in the heap as much as on the code.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SkipListBenchmark {
    @Param({"10000", "100000"})
    int size;

    private SkipList zsl;
    private int[] nodes;
    private final SplittableRandom random = new SplittableRandom(42);

    @Setup
    public void setup() {
        zsl = new SkipList();
        nodes = new int[size];
        for (int i = 0; i < size; i++) {
            byte[] member = String.format("element:%012d", i).getBytes(StandardCharsets.US_ASCII);
            nodes[i] = zsl.insert(random.nextInt(100_000), member);
        }
    }

    @Benchmark
    public double updateScore() {
        int n = nodes[random.nextInt(size)];
        double score = random.nextInt(100_000);
        if (score == zsl.score(n)) {
            score += 0.5;
        }
        zsl.updateScore(n, score);
        return score;
    }
}
