package dev.med42.quant;

import static dev.med42.quant.Blocks.fp16;
import static dev.med42.quant.Blocks.int8;

import java.lang.foreign.MemorySegment;

/**
 * {@code block_q8_0}: 32 weights as {@code d * q} with 8-bit {@code q}. Layout: {@code ggml_half d}, {@code int8_t
 * qs[32]}. Scalar reference; see {@link Q8_0Vector}.
 */
final class Q8_0 {
    static final int BLOCK_BYTES = GGMLType.Q8_0.bytesPerBlock();

    private Q8_0() {}

    /** ggml's {@code dequantize_row_q8_0}. */
    static void dequantize(MemorySegment data, long offset, float[] out, int at, int count) {
        for (int b = 0; b < count / 32; b++, at += 32) {
            long block = offset + (long) b * BLOCK_BYTES;
            float d = fp16(data, block);
            for (int j = 0; j < 32; j++) {
                out[at + j] = int8(data, block + 2 + j) * d;
            }
        }
    }

    /** ggml's AVX2 {@code ggml_vec_dot_q8_0_q8_0}: the eight lanes as for {@link Q4_0}. */
    static float dot(MemorySegment data, long row, Activations x, int token) {
        float[] acc = new float[8];
        for (int b = 0; b < x.columns() / 32; b++) {
            long block = row + (long) b * BLOCK_BYTES;
            float d = fp16(data, block) * x.d(token, b);
            for (int k = 0; k < 8; k++) {
                int sum = 0;
                for (int j = 4 * k; j < 4 * k + 4; j++) {
                    sum += int8(data, block + 2 + j) * x.q(token, 32 * b + j);
                }
                acc[k] = Math.fma(d, sum, acc[k]);
            }
        }
        return Reductions.hsum8(acc);
    }
}
