package dev.med42.quant;

/**
 * The horizontal sums that end ggml's AVX2 dot products, written out lane by lane. Float addition is not
 * associative, so the scalar kernels add their eight lanes exactly as the vector ones (and llama.cpp) do.
 */
final class Reductions {
    private Reductions() {}

    /** ggml's {@code hsum_float_8}: the upper half onto the lower, then pairs two apart, then the last two. */
    static float hsum8(float[] lanes) {
        return ((lanes[0] + lanes[4]) + (lanes[2] + lanes[6])) + ((lanes[1] + lanes[5]) + (lanes[3] + lanes[7]));
    }

    /**
     * The tail of ggml's {@code GGML_F32x8_REDUCE}: the upper half onto the lower, then two {@code hadd}s, so
     * adjacent lanes pair first (unlike {@link #hsum8}).
     */
    static float haddSum8(float[] lanes) {
        return ((lanes[0] + lanes[4]) + (lanes[1] + lanes[5])) + ((lanes[2] + lanes[6]) + (lanes[3] + lanes[7]));
    }

    /** The four-lane tail of {@code hsum_float_8}, as the K-quant kernels sum their {@code acc_m}. */
    static float hsum4(float m0, float m1, float m2, float m3) {
        return (m0 + m2) + (m1 + m3);
    }
}
