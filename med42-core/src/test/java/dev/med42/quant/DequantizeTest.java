package dev.med42.quant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.med42.testing.TestData;
import dev.med42.testing.TestTensors;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every dequantizer against ggml's own {@code to_float} of a real tensor, bit for bit. */
class DequantizeTest {
    private static final int ROWS = 64;
    private static final int COLUMNS = 256;

    static List<String> stems() {
        return TestTensors.goldenStems();
    }

    @Test
    void goldens_cover_every_quantized_type_but_bf16() {
        assertThat(stems().stream().map(TestTensors::goldenType))
                .containsExactlyInAnyOrder(
                        GGMLType.F16,
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

    @ParameterizedTest
    @MethodSource("stems")
    void dequantizes_like_ggml_bit_for_bit(String stem) {
        GGMLType type = TestTensors.goldenType(stem);
        float[] out = new float[ROWS * COLUMNS];
        Kernels.dequantize(type, TestTensors.goldenWeights(stem), 0, out, 0, out.length);

        assertBitsEqual(out, TestTensors.golden(stem));
    }

    @ParameterizedTest
    @MethodSource("stems")
    void dequantizes_each_row_of_a_weight_matrix_like_ggml(String stem) {
        GGMLType type = TestTensors.goldenType(stem);
        var matrix = new WeightMatrix(TestTensors.GOLDEN_TENSOR, type, ROWS, COLUMNS, TestTensors.goldenWeights(stem));
        float[] golden = TestTensors.golden(stem);
        float[] row = new float[COLUMNS + 3];
        for (int r = 0; r < ROWS; r += 7) {
            matrix.dequantizeRow(r, row, 3);
            assertBitsEqual(
                    java.util.Arrays.copyOfRange(row, 3, 3 + COLUMNS),
                    java.util.Arrays.copyOfRange(golden, r * COLUMNS, (r + 1) * COLUMNS));
        }
    }

    @ParameterizedTest
    @MethodSource("stems")
    void bundled_weights_are_the_model_file_tensors(String stem) {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                TestData.shared().isPresent(), "needs ../shared/testdata with the model files");
        assertThat(TestTensors.bundledGoldenWeights(stem).toArray(ValueLayout.JAVA_BYTE))
                .isEqualTo(TestTensors.goldenWeights(stem).toArray(ValueLayout.JAVA_BYTE));
    }

    @Test
    void dequantizes_bf16_by_widening_and_f32_by_copying() {
        MemorySegment bf16 = MemorySegment.ofArray(new short[] {0x3f80, (short) 0xc000, 0x0001, 0x7f80});
        float[] out = new float[4];
        Kernels.dequantize(GGMLType.BF16, bf16, 0, out, 0, 4);
        assertThat(out).containsExactly(1f, -2f, Float.intBitsToFloat(0x10000), Float.POSITIVE_INFINITY);

        MemorySegment f32 = MemorySegment.ofArray(new float[] {1.5f, -0f, Float.MIN_VALUE});
        Kernels.dequantize(GGMLType.F32, f32, 4, out, 1, 2);
        assertThat(out[1]).isEqualTo(-0f);
        assertThat(out[2]).isEqualTo(Float.MIN_VALUE);
    }

    static void assertBitsEqual(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(expected[i])) {
                throw new AssertionError("value " + i + ": expected " + expected[i] + " ("
                        + Integer.toHexString(Float.floatToRawIntBits(expected[i])) + ") but was " + actual[i] + " ("
                        + Integer.toHexString(Float.floatToRawIntBits(actual[i])) + ")");
            }
        }
    }
}
