package dev.med42.benchmarks;

import dev.med42.quant.Activations;
import dev.med42.quant.GGMLType;
import dev.med42.quant.WeightMatrix;
import dev.med42.tensor.MatMul;
import dev.med42.testing.RandomModel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One matrix product per operation through {@link MatMul}, on a weight matrix of random valid blocks far larger than
 * the caches (so every product streams it from memory, as token generation does). The secondary result {@code
 * gigabytes} is the weight bytes read per second (GB/s): compare it with the machine's read bandwidth. {@code tokens}
 * above 1 measures prompt products (tile kernels where the type has them), where the same bytes serve many tokens.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MatVecBenchmark {
    @Param({"Q4_0", "Q8_0", "Q2_K", "Q4_K", "Q5_K", "Q6_K", "F16"})
    public String type;

    @Param({"1", "2"})
    public int threads;

    @Param({"1"})
    public int tokens;

    /** Weight bytes of the matrix: well beyond any last-level cache. */
    @Param({"268435456"})
    public long bytes;

    /** Row length: TinyLlama's FFN width, a whole number of blocks of every type. */
    private static final int COLUMNS = 5632;

    private Arena arena;
    private MatMul matMul;
    private WeightMatrix weights;
    private Activations input;
    private float[] out;

    /** Weight bytes read per second, reported as GB/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Streamed {
        public double gigabytes;
    }

    @Setup(Level.Trial)
    public void setUp() {
        GGMLType t = GGMLType.valueOf(type);
        long rowBytes = t.byteSize(COLUMNS);
        int rows = (int) (bytes / rowBytes);
        arena = Arena.ofShared();
        MemorySegment data = arena.allocate(rows * rowBytes, 64);
        MemorySegment tile = RandomModel.randomBlocks(t, 1);
        for (long at = 0; at < data.byteSize(); at += tile.byteSize()) {
            MemorySegment.copy(tile, 0, data, at, Math.min(tile.byteSize(), data.byteSize() - at));
        }
        weights = new WeightMatrix(type, t, rows, COLUMNS, data);
        Random random = new Random(2);
        float[] x = new float[COLUMNS * tokens];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        input = Activations.forWeights(t, COLUMNS, tokens);
        input.quantize(x, tokens);
        out = new float[rows * tokens];
        matMul = new MatMul(threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        matMul.close();
        arena.close();
    }

    @Benchmark
    public float product(Streamed streamed) {
        matMul.multiply(weights, input, out);
        streamed.gigabytes += weights.data().byteSize() / 1e9;
        return out[0];
    }
}
