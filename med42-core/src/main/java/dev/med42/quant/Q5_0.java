package dev.med42.quant;

import static dev.med42.quant.Blocks.INT_LE;
import static dev.med42.quant.Blocks.fp16;
import static dev.med42.quant.Blocks.uint8;

import java.lang.foreign.MemorySegment;

/**
 * {@code block_q5_0}: 32 weights as {@code d * (q - 16)} with 5-bit {@code q}. Layout: {@code ggml_half d},
 * {@code uint8_t qh[4]} (bit {@code j} of this little-endian word is the fifth bit of weight {@code j}), {@code
 * uint8_t qs[16]} holding the low 4 bits as in {@link Q4_0}. Scalar reference; see {@link Q5_0Vector}.
 */
final class Q5_0 {
    static final int BLOCK_BYTES = GGMLType.Q5_0.bytesPerBlock();

    private Q5_0() {}

    /** ggml's {@code dequantize_row_q5_0}. */
    static void dequantize(MemorySegment data, long offset, float[] out, int at, int count) {
        for (int b = 0; b < count / 32; b++, at += 32) {
            long block = offset + (long) b * BLOCK_BYTES;
            float d = fp16(data, block);
            for (int j = 0; j < 32; j++) {
                out[at + j] = weight(data, block, j) * d;
            }
        }
    }

    static int weight(MemorySegment data, long block, int j) {
        int qh = data.get(INT_LE, block + 2);
        int q = uint8(data, block + 6 + (j & 15));
        return ((j < 16 ? q & 0xf : q >>> 4) | (((qh >>> j) & 1) << 4)) - 16;
    }

    /** ggml's AVX2 {@code ggml_vec_dot_q5_0_q8_0}: the eight lanes as for {@link Q4_0}. */
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
