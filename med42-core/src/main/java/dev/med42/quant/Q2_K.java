package dev.med42.quant;

import static dev.med42.quant.Blocks.fp16;
import static dev.med42.quant.Blocks.uint8;

import java.lang.foreign.MemorySegment;

/**
 * {@code block_q2_K}: 256 weights in 16 sub-blocks of 16, each {@code d * scale * q - dmin * min} with 2-bit {@code
 * q} and 4-bit {@code scale}, {@code min}. Layout: {@code uint8_t scales[16]} (scale in the low nibble, min in the
 * high one), {@code uint8_t qs[64]}, {@code ggml_half d, dmin}. Each half of 128 weights takes 32 bytes of {@code qs}:
 * weight {@code 32l + p} of the half is bits {@code 2l, 2l+1} of byte {@code p}. Scalar reference; see {@link
 * Q2_KVector}.
 */
final class Q2_K {
    static final int BLOCK_BYTES = GGMLType.Q2_K.bytesPerBlock();

    private Q2_K() {}

    /** ggml's {@code dequantize_row_q2_K}. */
    static void dequantize(MemorySegment data, long offset, float[] out, int at, int count) {
        for (int b = 0; b < count / 256; b++, at += 256) {
            long block = offset + (long) b * BLOCK_BYTES;
            float d = fp16(data, block + 80);
            float min = fp16(data, block + 82);
            for (int i = 0; i < 256; i += 16) {
                int sc = uint8(data, block + i / 16);
                float dl = d * (sc & 0xf);
                float ml = min * (sc >>> 4);
                for (int j = i; j < i + 16; j++) {
                    out[at + j] = dl * weight(data, block, j) - ml;
                }
            }
        }
    }

    static int weight(MemorySegment data, long block, int i) {
        return (uint8(data, block + 16 + 32 * (i >>> 7) + (i & 31)) >>> (2 * ((i >>> 5) & 3))) & 3;
    }

    /**
     * ggml's AVX2 {@code ggml_vec_dot_q2_K_q8_K}: per block, lane {@code k} first takes {@code -d_x * dmin} times the
     * mins of sub-blocks {@code 2k, 2k+1} dotted with the activation sums, then {@code d_x * d} times the scaled
     * integer dot product of weights {@code 4k..4k+3} of every chunk of 32.
     */
    static float dot(MemorySegment data, long row, Activations x, int token) {
        float[] acc = new float[8];
        for (int b = 0; b < x.columns() / 256; b++) {
            long block = row + (long) b * BLOCK_BYTES;
            float dall = x.d(token, b) * fp16(data, block + 80);
            float dmin = -x.d(token, b) * fp16(data, block + 82);
            for (int k = 0; k < 8; k++) {
                int mins = (uint8(data, block + 2 * k) >>> 4) * x.bsum(token, 16 * b + 2 * k)
                        + (uint8(data, block + 2 * k + 1) >>> 4) * x.bsum(token, 16 * b + 2 * k + 1);
                acc[k] = Math.fma(dmin, mins, acc[k]);
            }
            for (int k = 0; k < 8; k++) {
                int sum = 0;
                for (int chunk = 0; chunk < 256; chunk += 32) {
                    int first = chunk + 4 * k;
                    int scale = uint8(data, block + first / 16) & 0xf;
                    int dot = 0;
                    for (int i = first; i < first + 4; i++) {
                        dot += weight(data, block, i) * x.q(token, 256 * b + i);
                    }
                    sum += scale * dot;
                }
                acc[k] = Math.fma(dall, sum, acc[k]);
            }
        }
        return Reductions.hsum8(acc);
    }
}
