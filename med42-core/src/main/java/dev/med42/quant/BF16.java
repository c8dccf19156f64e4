package dev.med42.quant;

/**
 * Brain float ({@code ggml_bf16_t}): the upper half of an IEEE single. Narrowing matches ggml's {@code
 * ggml_compute_fp32_to_bf16}: round to nearest even, subnormals kept, NaN made quiet.
 */
public final class BF16 {
    private BF16() {}

    public static float toFloat(short bf16) {
        return Float.intBitsToFloat(bf16 << 16);
    }

    public static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 64); // NaN: force the quiet bit
        }
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }

    /** {@code value} rounded to bf16, as ggml rounds activations before a BF16 matrix product. */
    public static float round(float value) {
        return toFloat(fromFloat(value));
    }
}
