package dev.med42.quant;

import static dev.med42.quant.Blocks.fp16;
import static dev.med42.quant.Blocks.uint8;

import java.lang.foreign.MemorySegment;

/**
 * {@code block_q4_K}: 256 weights in 8 sub-blocks of 32, each {@code d * scale * q - dmin * min} with 4-bit {@code
 * q} and 6-bit {@code scale}, {@code min}. Layout: {@code ggml_half d, dmin}, {@code uint8_t scales[12]} (see {@link
 * KScales}), {@code uint8_t qs[128]}: each 32 bytes hold two sub-blocks, the first in the low nibbles. Scalar
 * reference; see {@link Q4_KVector}.
 */
final class Q4_K {
    static final int BLOCK_BYTES = GGMLType.Q4_K.bytesPerBlock();

    private Q4_K() {}

    /** ggml's {@code dequantize_row_q4_K}. */
    static void dequantize(MemorySegment data, long offset, float[] out, int at, int count) {
        for (int b = 0; b < count / 256; b++, at += 256) {
            long block = offset + (long) b * BLOCK_BYTES;
            float d = fp16(data, block);
            float min = fp16(data, block + 2);
            long scales = KScales.k4Scales(data, block + 4);
            long mins = KScales.k4Mins(data, block + 4);
            for (int i = 0; i < 256; i += 32) {
                float dl = d * KScales.at(scales, i / 32);
                float ml = min * KScales.at(mins, i / 32);
                for (int j = i; j < i + 32; j++) {
                    out[at + j] = dl * weight(data, block, j) - ml;
                }
            }
        }
    }

    static int weight(MemorySegment data, long block, int i) {
        int q = uint8(data, block + 16 + 32 * (i >>> 6) + (i & 31));
        return (i & 32) == 0 ? q & 0xf : q >>> 4;
    }

    /**
     * ggml's AVX2 {@code ggml_vec_dot_q4_K_q8_K}: eight lanes take {@code d_x * d} times the scaled integer dot
     * product of weights {@code 4k..4k+3} of every sub-block; four more ({@code acc_m}) take {@code -d_x * dmin} times
     * the mins of sub-blocks {@code 2m, 2m+1} dotted with their activation sums, and are added at the end.
     */
    static float dot(MemorySegment data, long row, Activations x, int token) {
        float[] acc = new float[8];
        float[] accm = new float[4];
        for (int b = 0; b < x.columns() / 256; b++) {
            long block = row + (long) b * BLOCK_BYTES;
            float d = x.d(token, b) * fp16(data, block);
            float dmin = -x.d(token, b) * fp16(data, block + 2);
            long scales = KScales.k4Scales(data, block + 4);
            long mins = KScales.k4Mins(data, block + 4);
            for (int m = 0; m < 4; m++) {
                accm[m] = Math.fma(
                        dmin, minsDot(x, token, b, mins, 2 * m) + minsDot(x, token, b, mins, 2 * m + 1), accm[m]);
            }
            for (int k = 0; k < 8; k++) {
                int sum = 0;
                for (int s = 0; s < 8; s++) {
                    int dot = 0;
                    for (int i = 32 * s + 4 * k; i < 32 * s + 4 * k + 4; i++) {
                        dot += weight(data, block, i) * x.q(token, 256 * b + i);
                    }
                    sum += KScales.at(scales, s) * dot;
                }
                acc[k] = Math.fma(d, sum, acc[k]);
            }
        }
        return Reductions.hsum8(acc) + Reductions.hsum4(accm[0], accm[1], accm[2], accm[3]);
    }

    /** Min of sub-block {@code s} times the sum of its 32 activation quants. */
    static int minsDot(Activations x, int token, int block, long mins, int s) {
        return KScales.at(mins, s) * (x.bsum(token, 16 * block + 2 * s) + x.bsum(token, 16 * block + 2 * s + 1));
    }
}
