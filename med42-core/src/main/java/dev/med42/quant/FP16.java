package dev.med42.quant;

/**
 * IEEE half precision ({@code ggml_fp16_t}), the type of every block scale in the quantized formats and of F16
 * tensors. Both directions match ggml on x86 bit for bit: widening is exact, and narrowing rounds to nearest even, as
 * the F16C instructions ggml uses ({@code _cvtsh_ss}, {@code _cvtss_sh(x, 0)}) and its software fallback do. The JDK
 * methods used here compile to those same instructions.
 */
public final class FP16 {
    private FP16() {}

    public static float toFloat(short half) {
        return Float.float16ToFloat(half);
    }

    /** Rounds to the nearest half (ties to even); overflow gives infinity. */
    public static short fromFloat(float value) {
        return Float.floatToFloat16(value);
    }

    /** {@code value} rounded to half precision, as ggml rounds activations before an F16 matrix product. */
    public static float round(float value) {
        return toFloat(fromFloat(value));
    }
}
