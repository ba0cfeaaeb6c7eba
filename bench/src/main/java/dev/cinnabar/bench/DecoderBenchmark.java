package dev.cinnabar.bench;

import dev.cinnabar.protocol.RequestDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoding a pipeline of 16 SETs as redis-benchmark sends them (-P 16, 3-byte values), and the
 * same for GETs: the per-command cost of turning bytes into argument slices.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DecoderBenchmark {
    private static final int PIPELINE = 16;

    private final RequestDecoder decoder = new RequestDecoder();
    private byte[] sets;
    private byte[] gets;

    @Setup
    public void setup() {
        StringBuilder s = new StringBuilder();
        StringBuilder g = new StringBuilder();
        for (int i = 0; i < PIPELINE; i++) {
            String key = String.format("key:%012d", i);
            s.append("*3\r\n$3\r\nSET\r\n$16\r\n").append(key).append("\r\n$3\r\nxxx\r\n");
            g.append("*2\r\n$3\r\nGET\r\n$16\r\n").append(key).append("\r\n");
        }
        sets = s.toString().getBytes(StandardCharsets.US_ASCII);
        gets = g.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Benchmark
    @OperationsPerInvocation(PIPELINE)
    public int decodeSetPipeline() {
        return decodeAll(sets);
    }

    @Benchmark
    @OperationsPerInvocation(PIPELINE)
    public int decodeGetPipeline() {
        return decodeAll(gets);
    }

    private int decodeAll(byte[] pipeline) {
        decoder.feed(pipeline, 0, pipeline.length);
        int args = 0;
        while (decoder.next(false, Long.MAX_VALUE) == RequestDecoder.COMMAND) {
            args += decoder.argv().count();
        }
        return args;
    }
}
