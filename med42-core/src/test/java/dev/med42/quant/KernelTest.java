package dev.med42.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.med42.testing.TestTensors;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The row kernels of every type: vector against scalar, and scalar against a float64 dot product. */
class KernelTest {
    private static final int ROWS = 3;
    private static final int TOKENS = 2;

    static Stream<Arguments> typesAndBlockCounts() {
        return kernelTypes().stream().flatMap(type -> blockCounts(type).stream().map(n -> Arguments.of(type, n)));
    }

    static List<GGMLType> kernelTypes() {
        return List.of(
                GGMLType.F32,
                GGMLType.F16,
                GGMLType.BF16,
                GGMLType.Q4_0,
                GGMLType.Q4_1,
                GGMLType.Q5_0,
                GGMLType.Q5_1,
                GGMLType.Q8_0,
                GGMLType.Q2_K,
                GGMLType.Q3_K,
                GGMLType.Q4_K,
                GGMLType.Q5_K,
                GGMLType.Q6_K);
    }

    /** Odd numbers of blocks; for the float types, lengths around the 32-value step and its remainder. */
    private static List<Integer> blockCounts(GGMLType type) {
        return type.isQuantized() ? List.of(1, 2, 3, 7, 13) : List.of(1, 7, 31, 32, 33, 172, 261);
    }

    @ParameterizedTest(name = "{0} x {1} blocks")
    @MethodSource("typesAndBlockCounts")
    void vector_kernel_matches_scalar_bit_for_bit(GGMLType type, int blocks) {
        assumeTrue(Kernels.vectorized(), "the Vector API is not enabled in this JVM");
        int columns = blocks * type.blockSize();
        MemorySegment weights = TestTensors.random(type, ROWS, columns, 31L * blocks + type.ordinal());
        RowKernel vector = VectorKernels.rowKernel(type);
        RowKernel scalar = Kernels.scalarRowKernel(type);
        for (float[] input :
                List.of(TestTensors.gaussian(TOKENS * columns, blocks), TestTensors.cosine(TOKENS * columns, blocks))) {
            Activations x = Activations.forWeights(type, columns, TOKENS);
            x.quantize(input, TOKENS);
            for (int r = 0; r < ROWS; r++) {
                for (int t = 0; t < TOKENS; t++) {
                    long row = r * type.byteSize(columns);
                    float expected = scalar.dot(weights, row, x, t);
                    float actual = vector.dot(weights, row, x, t);
                    assertThat(Float.floatToRawIntBits(actual))
                            .as("row %d token %d: %s vs %s", r, t, actual, expected)
                            .isEqualTo(Float.floatToRawIntBits(expected));
                }
            }
        }
    }

    /**
     * The kernel computes the same sum as a float64 dot product of the dequantized weights with the dequantized
     * activations, only rounded differently: each of its float operations (the weight value, the product of scales,
     * one fused multiply-add per block and lane, the lane sums) rounds once, a few dozen roundings of at most 2^-24
     * relative each, so 4e-6 of the sum of magnitudes bounds the difference with room to spare. A misplaced weight,
     * scale or lane would be off by orders of magnitude more. Against Q8_1 the offsets {@code m} of Q4_1 and Q5_1
     * meet ggml's {@code s}, the fp16 sum of the block, rather than the dequantized activations.
     */
    @ParameterizedTest(name = "{0} x {1} blocks")
    @MethodSource("typesAndBlockCounts")
    void scalar_kernel_is_the_dot_product_of_the_dequantized_values(GGMLType type, int blocks) {
        int columns = blocks * type.blockSize();
        MemorySegment weights = TestTensors.random(type, ROWS, columns, 17L * blocks + type.ordinal());
        Activations x = Activations.forWeights(type, columns, TOKENS);
        x.quantize(TestTensors.gaussian(TOKENS * columns, 5L * blocks), TOKENS);
        float[] w = new float[columns];
        for (int r = 0; r < ROWS; r++) {
            long row = r * type.byteSize(columns);
            Kernels.dequantize(type, weights, row, w, 0, columns);
            for (int t = 0; t < TOKENS; t++) {
                double exact = 0;
                double magnitude = 0;
                for (int i = 0; i < columns; i++) {
                    double term = (double) w[i] * x.dequantized(t, i);
                    if (x.type() == GGMLType.Q8_1) {
                        long block = row + (long) (i / 32) * type.bytesPerBlock();
                        int q = type == GGMLType.Q4_1
                                ? Q4_1.weight(weights, block, i % 32)
                                : Q5_1.weight(weights, block, i % 32);
                        term = q * (double) Blocks.fp16(weights, block) * x.dequantized(t, i);
                        if (i % 32 == 0) {
                            double offset = (double) Blocks.fp16(weights, block + 2) * x.s(t, i / 32);
                            exact += offset;
                            magnitude += Math.abs(offset);
                        }
                    }
                    exact += term;
                    magnitude += Math.abs(term);
                }
                float dot = Kernels.scalarRowKernel(type).dot(weights, row, x, t);
                assertThat((double) dot).isCloseTo(exact, org.assertj.core.data.Offset.offset(4e-6 * magnitude));
            }
        }
    }

    /**
     * ggml's test-quantize-fns check on weights llama.cpp quantized: the dot product of a row with the data {@code 0.1
     * + 2 cos(i)} converted to the vec_dot type, against the float dot product with the unconverted data, differs by
     * at most 0.02 per value (0.04 for 2- and 3-bit types). The conversion also implies a tighter bound, checked too:
     * each value moves by at most half a quantization step {@code |d| / 2}, plus 2^-10 of itself for the fp16
     * rounding of {@code d} (for F16 activations, 2^-11 of itself), and for Q8_1 the fp16 block sum {@code s} meets
     * the offset {@code m}; the kernel's own float rounding adds the 4e-6 relative slack above.
     */
    @ParameterizedTest
    @EnumSource(
            value = GGMLType.class,
            names = {"F16", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void quantized_activations_keep_the_error_ggml_allows_on_real_weights(GGMLType type) {
        String stem = TestTensors.goldenStems().stream()
                .filter(s -> TestTensors.goldenType(s) == type)
                .findFirst()
                .orElseThrow();
        int columns = 256;
        MemorySegment weights = TestTensors.goldenWeights(stem);
        float[] data = TestTensors.cosine(columns, 0);
        Activations x = Activations.forWeights(type, columns, 1);
        x.quantize(data, 1);
        float[] w = new float[columns];
        double maxError = type == GGMLType.Q2_K || type == GGMLType.Q3_K ? 0.04 : 0.02;
        for (int r = 0; r < 64; r++) {
            long row = r * type.byteSize(columns);
            Kernels.dequantize(type, weights, row, w, 0, columns);
            double reference = 0;
            double bound = 0;
            for (int i = 0; i < columns; i++) {
                reference += (double) w[i] * data[i];
                double move = type.isQuantized()
                        ? Math.abs(x.d(0, i / x.type().blockSize())) / 2 + Math.abs(data[i]) * 0x1p-10
                        : Math.abs(data[i]) * 0x1p-11;
                double m = 0;
                if (x.type() == GGMLType.Q8_1) {
                    long block = row + (long) (i / 32) * type.bytesPerBlock();
                    m = Math.abs(Blocks.fp16(weights, block + 2));
                    if (i % 32 == 0) {
                        bound += m * Math.abs(x.s(0, i / 32)) * 0x1p-11;
                    }
                }
                bound += (Math.abs(w[i]) + 2 * m) * move + 4e-6 * Math.abs(w[i] * data[i]);
            }
            float dot = Kernels.rowKernel(type).dot(weights, row, x, 0);
            assertThat(Math.abs(dot - reference) / columns).isLessThan(maxError);
            assertThat(Math.abs(dot - reference)).isLessThanOrEqualTo(bound);
        }
    }
}
