package dev.med42.quant;

import static dev.med42.quant.Blocks.fp16;
import static dev.med42.quant.Blocks.uint8;

import java.lang.foreign.MemorySegment;

/**
 * {@code block_q4_0}: 32 weights as {@code d * (q - 8)} with 4-bit {@code q}. Layout: {@code ggml_half d},
 * {@code uint8_t qs[16]}; weight {@code j} is the low nibble of {@code qs[j]}, weight {@code j + 16} its high nibble.
 * Scalar reference; {@link Q4_0Vector} is the same computation with the Vector API.
 */
final class Q4_0 {
    static final int BLOCK_BYTES = GGMLType.Q4_0.bytesPerBlock();

    private Q4_0() {}

    /** ggml's {@code dequantize_row_q4_0}. */
    static void dequantize(MemorySegment data, long offset, float[] out, int at, int count) {
        for (int b = 0; b < count / 32; b++, at += 32) {
            long block = offset + (long) b * BLOCK_BYTES;
            float d = fp16(data, block);
            for (int j = 0; j < 16; j++) {
                int q = uint8(data, block + 2 + j);
                out[at + j] = ((q & 0xf) - 8) * d;
                out[at + j + 16] = ((q >>> 4) - 8) * d;
            }
        }
    }

    static int weight(MemorySegment data, long block, int j) {
        int q = uint8(data, block + 2 + (j & 15));
        return (j < 16 ? q & 0xf : q >>> 4) - 8;
    }

    /**
     * ggml's AVX2 {@code ggml_vec_dot_q4_0_q8_0} against Q8_0 activations: lane {@code k} of eight accumulates, per
     * block, {@code d_w * d_x} times the integer dot product of weights {@code 4k..4k+3}.
     */
    static float dot(MemorySegment data, long row, Activations x, int token) {
        float[] acc = new float[8];
        for (int b = 0; b < x.columns() / 32; b++) {
            long block = row + (long) b * BLOCK_BYTES;
            float d = fp16(data, block) * x.d(token, b);
            for (int k = 0; k < 8; k++) {
                int sum = 0;
                for (int j = 4 * k; j < 4 * k + 4; j++) {
                    sum += weight(data, block, j) * x.q(token, 32 * b + j);
                }
                acc[k] = Math.fma(d, sum, acc[k]);
            }
        }
        return Reductions.hsum8(acc);
    }
}
