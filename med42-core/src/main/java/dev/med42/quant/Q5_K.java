package dev.med42.quant;

import static dev.med42.quant.Blocks.fp16;
import static dev.med42.quant.Blocks.uint8;

import java.lang.foreign.MemorySegment;

/**
 * {@code block_q5_K}: as {@link Q4_K} with 5-bit {@code q}. Layout: {@code ggml_half d, dmin}, {@code uint8_t
 * scales[12]}, {@code uint8_t qh[32]} (bit {@code s} of {@code qh[p]} is the fifth bit of weight {@code p} of
 * sub-block {@code s}), {@code uint8_t qs[128]} laid out as in Q4_K. Scalar reference; see {@link Q5_KVector}.
 */
final class Q5_K {
    static final int BLOCK_BYTES = GGMLType.Q5_K.bytesPerBlock();

    private Q5_K() {}

    /** ggml's {@code dequantize_row_q5_K}. */
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
        int q = uint8(data, block + 48 + 32 * (i >>> 6) + (i & 31));
        int high = (uint8(data, block + 16 + (i & 31)) >>> (i >>> 5)) & 1;
        return ((i & 32) == 0 ? q & 0xf : q >>> 4) | (high << 4);
    }

    /**
     * ggml's AVX2 {@code ggml_vec_dot_q5_K_q8_K}: the eight lanes as for {@link Q4_K}, but the mins summed as an
     * integer per block and added to a scalar, fused as gcc compiles {@code summs += dmin * sum}.
     */
    static float dot(MemorySegment data, long row, Activations x, int token) {
        float[] acc = new float[8];
        float summs = 0;
        for (int b = 0; b < x.columns() / 256; b++) {
            long block = row + (long) b * BLOCK_BYTES;
            float d = x.d(token, b) * fp16(data, block);
            float dmin = -x.d(token, b) * fp16(data, block + 2);
            long scales = KScales.k4Scales(data, block + 4);
            long mins = KScales.k4Mins(data, block + 4);
            int minSum = 0;
            for (int s = 0; s < 8; s++) {
                minSum += Q4_K.minsDot(x, token, b, mins, s);
            }
            summs = Math.fma(dmin, minSum, summs);
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
        return Reductions.hsum8(acc) + summs;
    }
}
