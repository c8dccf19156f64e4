package dev.med42.quant;

import static dev.med42.quant.Blocks.fp16;
import static dev.med42.quant.Blocks.uint8;

import java.lang.foreign.MemorySegment;

/**
 * {@code block_q4_1}: 32 weights as {@code d * q + m} with 4-bit {@code q}. Layout: {@code ggml_half d, m},
 * {@code uint8_t qs[16]} with the nibbles ordered as in {@link Q4_0}. Scalar reference; see {@link Q4_1Vector}.
 */
final class Q4_1 {
    static final int BLOCK_BYTES = GGMLType.Q4_1.bytesPerBlock();

    private Q4_1() {}

    /** ggml's {@code dequantize_row_q4_1}. */
    static void dequantize(MemorySegment data, long offset, float[] out, int at, int count) {
        for (int b = 0; b < count / 32; b++, at += 32) {
            long block = offset + (long) b * BLOCK_BYTES;
            float d = fp16(data, block);
            float m = fp16(data, block + 2);
            for (int j = 0; j < 16; j++) {
                int q = uint8(data, block + 4 + j);
                out[at + j] = (q & 0xf) * d + m;
                out[at + j + 16] = (q >>> 4) * d + m;
            }
        }
    }

    static int weight(MemorySegment data, long block, int j) {
        int q = uint8(data, block + 4 + (j & 15));
        return j < 16 ? q & 0xf : q >>> 4;
    }

    /**
     * ggml's AVX2 {@code ggml_vec_dot_q4_1_q8_1}: the eight lanes as for {@link Q4_0}, plus the offsets {@code m * s}
     * summed in a scalar, fused as gcc compiles {@code summs += m * s}.
     */
    static float dot(MemorySegment data, long row, Activations x, int token) {
        float[] acc = new float[8];
        float summs = 0;
        for (int b = 0; b < x.columns() / 32; b++) {
            long block = row + (long) b * BLOCK_BYTES;
            float d = fp16(data, block) * x.d(token, b);
            summs = Math.fma(fp16(data, block + 2), x.s(token, b), summs);
            for (int k = 0; k < 8; k++) {
                int sum = 0;
                for (int j = 4 * k; j < 4 * k + 4; j++) {
                    sum += weight(data, block, j) * x.q(token, 32 * b + j);
                }
                acc[k] = Math.fma(d, sum, acc[k]);
            }
        }
        return Reductions.hsum8(acc) + summs;
    }
}
