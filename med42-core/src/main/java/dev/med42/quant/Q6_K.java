package dev.med42.quant;

import static dev.med42.quant.Blocks.fp16;
import static dev.med42.quant.Blocks.int8;
import static dev.med42.quant.Blocks.uint8;

import java.lang.foreign.MemorySegment;

/**
 * {@code block_q6_K}: 256 weights in 16 sub-blocks of 16, each {@code d * scale * (q - 32)} with 6-bit {@code q} and
 * 8-bit signed {@code scale}. Layout: {@code uint8_t ql[128]}, {@code uint8_t qh[64]}, {@code int8_t scales[16]},
 * {@code ggml_half d}. Each half of 128 weights takes 64 bytes of {@code ql} and 32 of {@code qh}: chunk {@code c} of
 * 32 has its low 4 bits in the low ({@code c < 2}) or high nibbles of {@code ql[32 * (c % 2) + p]} and its top 2 bits
 * at bits {@code 2c} of {@code qh[p]}. Scalar reference; see {@link Q6_KVector}.
 */
final class Q6_K {
    static final int BLOCK_BYTES = GGMLType.Q6_K.bytesPerBlock();

    private Q6_K() {}

    /** ggml's {@code dequantize_row_q6_K}. */
    static void dequantize(MemorySegment data, long offset, float[] out, int at, int count) {
        for (int b = 0; b < count / 256; b++, at += 256) {
            long block = offset + (long) b * BLOCK_BYTES;
            float d = fp16(data, block + 208);
            for (int i = 0; i < 256; i++) {
                out[at + i] = d * scale(data, block, i / 16) * weight(data, block, i);
            }
        }
    }

    static int weight(MemorySegment data, long block, int i) {
        int half = i >>> 7;
        int c = (i >>> 5) & 3;
        int p = i & 31;
        int ql = uint8(data, block + 64 * half + 32 * (c & 1) + p);
        int qh = (uint8(data, block + 128 + 32 * half + p) >>> (2 * c)) & 3;
        return ((c < 2 ? ql & 0xf : ql >>> 4) | (qh << 4)) - 32;
    }

    static int scale(MemorySegment data, long block, int s) {
        return int8(data, block + 192 + s);
    }

    /**
     * ggml's AVX2 {@code ggml_vec_dot_q6_K_q8_K}: lane {@code k} takes {@code d_x * d} times the scaled integer dot
     * product of weights {@code 4k..4k+3} of every chunk of 32.
     */
    static float dot(MemorySegment data, long row, Activations x, int token) {
        float[] acc = new float[8];
        for (int b = 0; b < x.columns() / 256; b++) {
            long block = row + (long) b * BLOCK_BYTES;
            float d = x.d(token, b) * fp16(data, block + 208);
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
