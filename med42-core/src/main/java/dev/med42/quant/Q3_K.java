package dev.med42.quant;

import static dev.med42.quant.Blocks.fp16;
import static dev.med42.quant.Blocks.uint8;

import java.lang.foreign.MemorySegment;

/**
 * {@code block_q3_K}: 256 weights in 16 sub-blocks of 16, each {@code d * (scale - 32) * q} with 3-bit signed {@code
 * q} and 6-bit {@code scale}. Layout: {@code uint8_t hmask[32]}, {@code uint8_t qs[64]}, {@code uint8_t scales[12]}
 * (see {@link KScales}), {@code ggml_half d}. The low 2 bits are laid out as in {@link Q2_K}; bit {@code 4h + l} of
 * {@code hmask[p]} is set for weight {@code 32l + p} of half {@code h} when {@code q} is not negative ({@code q = low
 * - 4} when it is clear). Scalar reference; see {@link Q3_KVector}.
 */
final class Q3_K {
    static final int BLOCK_BYTES = GGMLType.Q3_K.bytesPerBlock();

    private Q3_K() {}

    /** ggml's {@code dequantize_row_q3_K}. */
    static void dequantize(MemorySegment data, long offset, float[] out, int at, int count) {
        for (int b = 0; b < count / 256; b++, at += 256) {
            long block = offset + (long) b * BLOCK_BYTES;
            float d = fp16(data, block + 108);
            for (int i = 0; i < 256; i += 16) {
                float dl = d * scale(data, block, i / 16);
                for (int j = i; j < i + 16; j++) {
                    out[at + j] = dl * weight(data, block, j);
                }
            }
        }
    }

    static int weight(MemorySegment data, long block, int i) {
        int half = i >>> 7;
        int l = (i >>> 5) & 3;
        int low = (uint8(data, block + 32 + 32 * half + (i & 31)) >>> (2 * l)) & 3;
        int high = (uint8(data, block + (i & 31)) >>> (4 * half + l)) & 1;
        return high != 0 ? low : low - 4;
    }

    /** The signed scale of sub-block {@code s} (0..15). */
    static int scale(MemorySegment data, long block, int s) {
        long packed = s < 8 ? KScales.q3Scales0to7(data, block + 96) : KScales.q3Scales8to15(data, block + 96);
        return KScales.at(packed, s & 7) - 32;
    }

    /**
     * ggml's AVX2 {@code ggml_vec_dot_q3_K_q8_K}: lane {@code k} takes {@code d_x * d} times the scaled integer dot
     * product of weights {@code 4k..4k+3} of every chunk of 32.
     */
    static float dot(MemorySegment data, long row, Activations x, int token) {
        float[] acc = new float[8];
        for (int b = 0; b < x.columns() / 256; b++) {
            long block = row + (long) b * BLOCK_BYTES;
            float d = x.d(token, b) * fp16(data, block + 108);
            for (int k = 0; k < 8; k++) {
                int sum = 0;
                for (int chunk = 0; chunk < 256; chunk += 32) {
                    int first = chunk + 4 * k;
                    int dot = 0;
                    for (int i = first; i < first + 4; i++) {
                        dot += weight(data, block, i) * x.q(token, 256 * b + i);
                    }
                    sum += scale(data, block, first / 16) * dot;
                }
                acc[k] = Math.fma(d, sum, acc[k]);
            }
        }
        return Reductions.hsum8(acc);
    }
}
