package dev.med42.quant;

import dev.med42.tensor.MatMul;
import dev.med42.testing.TestTensors;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;

/**
 * A rough generation-speed probe, not a test: streams a matrix of random blocks too large for any cache through
 * single-token products and prints the weight bytes read per second. Run with the test classpath and {@code --add-modules
 * jdk.incubator.vector}; arguments {@code [threads] [megabytes] [tokens] [type...]}.
 */
public final class KernelBenchmark {
    private KernelBenchmark() {}

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int megabytes = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int tokens = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        List<GGMLType> types = args.length > 3
                ? Arrays.stream(args).skip(3).map(GGMLType::valueOf).toList()
                : List.of(GGMLType.Q4_K, GGMLType.Q5_K, GGMLType.Q6_K, GGMLType.Q8_0, GGMLType.Q4_0);
        int columns = Integer.getInteger("columns", 8192);
        System.out.printf(
                "vectorized=%s threads=%d tokens=%d columns=%d%n", Kernels.vectorized(), threads, tokens, columns);
        try (MatMul matmul = new MatMul(threads)) {
            for (GGMLType type : types) {
                int rows = (int) Math.max(1, (megabytes * 1024L * 1024L) / type.byteSize(columns));
                MemorySegment data = TestTensors.random(type, rows, columns, 1);
                WeightMatrix w = new WeightMatrix(type.name(), type, rows, columns, data);
                Activations x = Activations.forWeights(type, columns, tokens);
                x.quantize(TestTensors.gaussian(columns * tokens, 2), tokens);
                float[] out = new float[rows * tokens];
                double best = Double.MAX_VALUE;
                var threadBean =
                        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
                long allocated = 0;
                // warm up into the standard C2 compilation (not just the on-stack-replacement one), then measure
                long warmUntil = System.nanoTime() + 3_000_000_000L;
                while (System.nanoTime() < warmUntil) {
                    matmul.multiply(w, x, out);
                }
                for (int i = 0; i < 10; i++) {
                    long before = threadBean.getCurrentThreadAllocatedBytes();
                    long start = System.nanoTime();
                    matmul.multiply(w, x, out);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    allocated = threadBean.getCurrentThreadAllocatedBytes() - before;
                    best = Math.min(best, seconds);
                }
                System.out.printf(
                        "%-5s %7.2f GB/s  %8.1f ms per product  (%d MB, caller allocated %d bytes)%n",
                        type, data.byteSize() / best / 1e9, best * 1e3, data.byteSize() >> 20, allocated);
            }
        }
    }
}
