package dev.med42.quant;

import static dev.med42.quant.Blocks.FLOAT_LE;
import static dev.med42.quant.Blocks.SHORT_LE;

import java.lang.foreign.MemorySegment;

/**
 * The unquantized types F32, F16 and BF16, dotted against activations of the same type (F16 and BF16 activations
 * are the floats rounded to that type). Scalar reference; {@link FloatsVector} is the same computation with the
 * Vector API.
 *
 * <p>F16 and BF16 as ggml's AVX2 dot products: four accumulators of eight lanes over steps of 32 values, added as
 * {@code (a0 + a2) + (a1 + a3)}, the lanes reduced (two {@code hadd}s for F16, {@code hsum_float_8} for BF16, whose
 * products gcc fuses), then the remaining {@code n % 32} products added one by one in double.
 *
 * <p>F32 differs on purpose: its products are summed in double (four accumulators of four lanes over steps of 16). In
 * llama.cpp a prompt batch of F32 weights goes to tinyBLAS and a single token to {@code ggml_vec_dot_f32}, two float
 * orders that disagree with each other by more than their distance from the exact sum; only a more exact sum stays
 * within 1e-4 of both on models with large logits (stories260K), and F32 matrices are too rare in quantized files for
 * its cost to matter.
 */
final class Floats {
    static final int STEP = 32;

    private Floats() {}

    static void dequantizeF32(MemorySegment data, long offset, float[] out, int at, int count) {
        MemorySegment.copy(data, FLOAT_LE, offset, out, at, count);
    }

    static void dequantizeF16(MemorySegment data, long offset, float[] out, int at, int count) {
        for (int i = 0; i < count; i++) {
            out[at + i] = FP16.toFloat(data.get(SHORT_LE, offset + 2L * i));
        }
    }

    static void dequantizeBF16(MemorySegment data, long offset, float[] out, int at, int count) {
        for (int i = 0; i < count; i++) {
            out[at + i] = BF16.toFloat(data.get(SHORT_LE, offset + 2L * i));
        }
    }

    static float weight(GGMLType type, MemorySegment data, long row, int i) {
        return switch (type) {
            case F32 -> data.get(FLOAT_LE, row + 4L * i);
            case F16 -> FP16.toFloat(data.get(SHORT_LE, row + 2L * i));
            case BF16 -> BF16.toFloat(data.get(SHORT_LE, row + 2L * i));
            default -> throw new AssertionError(type);
        };
    }

    /** Values per step of the F32 product: four accumulators of four double lanes. */
    static final int F32_STEP = 16;

    /** The exact products summed in double: four accumulators of four lanes, {@code (a0 + a2) + (a1 + a3)}. */
    static float dotF32(MemorySegment data, long row, Activations x, int token) {
        int whole = x.columns() / F32_STEP * F32_STEP;
        double[] acc = new double[F32_STEP];
        for (int i = 0; i < whole; i += F32_STEP) {
            for (int j = 0; j < F32_STEP; j++) {
                acc[j] = Math.fma((double) weight(GGMLType.F32, data, row, i + j), x.value(token, i + j), acc[j]);
            }
        }
        double[] lanes = new double[4];
        for (int l = 0; l < 4; l++) {
            lanes[l] = (acc[l] + acc[8 + l]) + (acc[4 + l] + acc[12 + l]);
        }
        double sum = (lanes[0] + lanes[2]) + (lanes[1] + lanes[3]);
        for (int i = whole; i < x.columns(); i++) {
            sum = Math.fma((double) weight(GGMLType.F32, data, row, i), x.value(token, i), sum);
        }
        return (float) sum;
    }

    /** ggml's {@code ggml_vec_dot_f16} with AVX2 and F16C. */
    static float dotF16(MemorySegment data, long row, Activations x, int token) {
        int whole = x.columns() / STEP * STEP;
        double sum = Reductions.haddSum8(steps(GGMLType.F16, data, row, x, token, whole));
        return tail(GGMLType.F16, data, row, x, token, whole, sum);
    }

    /** ggml's {@code ggml_vec_dot_bf16} with AVX2. */
    static float dotBF16(MemorySegment data, long row, Activations x, int token) {
        int whole = x.columns() / STEP * STEP;
        double sum = Reductions.hsum8(steps(GGMLType.BF16, data, row, x, token, whole));
        return tail(GGMLType.BF16, data, row, x, token, whole, sum);
    }

    /** The four accumulators over the first {@code whole} values, added into eight lanes. */
    private static float[] steps(GGMLType type, MemorySegment data, long row, Activations x, int token, int whole) {
        float[] acc = new float[STEP];
        for (int i = 0; i < whole; i += STEP) {
            for (int j = 0; j < STEP; j++) {
                acc[j] = Math.fma(weight(type, data, row, i + j), x.value(token, i + j), acc[j]);
            }
        }
        float[] lanes = new float[8];
        for (int l = 0; l < 8; l++) {
            lanes[l] = (acc[l] + acc[16 + l]) + (acc[8 + l] + acc[24 + l]);
        }
        return lanes;
    }

    private static float tail(
            GGMLType type, MemorySegment data, long row, Activations x, int token, int from, double sum) {
        for (int i = from; i < x.columns(); i++) {
            sum += weight(type, data, row, i) * x.value(token, i);
        }
        return (float) sum;
    }
}
