package dev.med42.quant;

import static dev.med42.quant.Blocks.INT_LE;
import static dev.med42.quant.Blocks.fp16;
import static dev.med42.quant.Blocks.uint8;

import java.lang.foreign.MemorySegment;

/**
 * {@code block_q5_1}: 32 weights as {@code d * q + m} with 5-bit {@code q}. Layout: {@code ggml_half d, m}, {@code
 * uint8_t qh[4]}, {@code uint8_t qs[16]}, the bits arranged as in {@link Q5_0}. Scalar reference; see {@link
 * Q5_1Vector}.
 */
final class Q5_1 {
    static final int BLOCK_BYTES = GGMLType.Q5_1.bytesPerBlock();

    private Q5_1() {}

    /** ggml's {@code dequantize_row_q5_1}. */
    static void dequantize(MemorySegment data, long offset, float[] out, int at, int count) {
        for (int b = 0; b < count / 32; b++, at += 32) {
            long block = offset + (long) b * BLOCK_BYTES;
            float d = fp16(data, block);
            float m = fp16(data, block + 2);
            for (int j = 0; j < 32; j++) {
                out[at + j] = weight(data, block, j) * d + m;
            }
        }
    }

    static int weight(MemorySegment data, long block, int j) {
        int qh = data.get(INT_LE, block + 4);
        int q = uint8(data, block + 8 + (j & 15));
        return (j < 16 ? q & 0xf : q >>> 4) | (((qh >>> j) & 1) << 4);
    }

    /** ggml's AVX2 {@code ggml_vec_dot_q5_1_q8_1}: as {@link Q4_1#dot}. */
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
