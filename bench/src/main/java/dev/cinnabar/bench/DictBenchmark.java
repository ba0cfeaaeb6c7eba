package dev.cinnabar.bench;

import dev.cinnabar.datatypes.Dict;
import java.nio.charset.StandardCharsets;
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
 * The keyspace table's hot operations at the sizes the server sees: a lookup by argument slice
 * (as GET does), an overwrite (SET of an existing key) and a miss. Keys look like
 * redis-benchmark's ({@code key:000000012345}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DictBenchmark {
    @Param({"1000", "1000000"})
    int size;

    private Dict<Object> dict;
    private byte[][] keys;
    private byte[] request;
    private int[] offsets;
    private int next;
    private final byte[] value = new byte[64];

    @Setup
    public void setup() {
        dict = new Dict<>();
        keys = new byte[size][];
        for (int i = 0; i < size; i++) {
            keys[i] = String.format("key:%012d", i).getBytes(StandardCharsets.US_ASCII);
            dict.put(keys[i], value);
        }
        // Keys laid out in one buffer, as arguments sit in a client's query buffer.
        request = new byte[size * 16];
        offsets = new int[size];
        for (int i = 0; i < size; i++) {
            offsets[i] = i * 16;
            System.arraycopy(keys[(int) ((i * 2654435761L) % size)], 0, request, i * 16, 16);
        }
    }

    private int nextIndex() {
        int i = next++;
        if (next == size) {
            next = 0;
        }
        return i;
    }

    @Benchmark
    public Object lookupHit() {
        return dict.find(request, offsets[nextIndex()], 16);
    }

    @Benchmark
    public Object overwrite() {
        Dict.Entry<Object> e = dict.findOrCreate(request, offsets[nextIndex()], 16);
        e.value(value);
        return e;
    }

    @Benchmark
    public Object lookupMiss() {
        int i = nextIndex();
        request[offsets[i]] = 'x';
        Object o = dict.find(request, offsets[i], 16);
        request[offsets[i]] = 'k';
        return o;
    }
}
