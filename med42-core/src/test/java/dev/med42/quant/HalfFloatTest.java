package dev.med42.quant;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link FP16} and {@link BF16} against ggml's portable conversions ({@code ggml_compute_fp16_to_fp32}, {@code
 * ggml_compute_fp32_to_fp16}, {@code ggml_compute_fp32_to_bf16} in ggml-impl.h), transcribed here as the oracle.
 */
class HalfFloatTest {
    @Test
    void widens_every_half_exactly_as_ggml() {
        for (int h = 0; h < 1 << 16; h++) {
            float expected = ggmlFp16ToFp32((short) h);
            float actual = FP16.toFloat((short) h);
            if (Float.isNaN(expected)) {
                assertThat(actual).as("half %04x", h).isNaN();
            } else {
                assertThat(Float.floatToRawIntBits(actual))
                        .as("half %04x", h)
                        .isEqualTo(Float.floatToRawIntBits(expected));
            }
        }
    }

    @Test
    void narrows_to_the_nearest_half_with_ties_to_even_as_ggml() {
        Random random = new Random(42);
        for (int i = 0; i < 2_000_000; i++) {
            float value = i < 1_000_000
                    ? Float.intBitsToFloat(random.nextInt())
                    : (float) (random.nextGaussian() * Math.pow(2, random.nextInt(40) - 30));
            if (Float.isNaN(value)) {
                continue;
            }
            assertThat(FP16.fromFloat(value)).as("%s", value).isEqualTo(ggmlFp32ToFp16(value));
        }
        // every tie between two adjacent halves rounds to the even one
        for (int h = 0; h < 0x7bff; h++) {
            float low = FP16.toFloat((short) h);
            float high = FP16.toFloat((short) (h + 1));
            float tie = (float) (((double) low + high) / 2);
            assertThat(FP16.fromFloat(tie)).isEqualTo((short) ((h & 1) == 0 ? h : h + 1));
            assertThat(FP16.fromFloat(tie)).isEqualTo(ggmlFp32ToFp16(tie));
        }
    }

    @Test
    void narrows_overflow_to_infinity_and_keeps_the_sign_of_zero() {
        assertThat(FP16.fromFloat(65520f)).isEqualTo((short) 0x7c00);
        assertThat(FP16.fromFloat(65519.99f)).isEqualTo((short) 0x7bff);
        assertThat(FP16.fromFloat(-0f)).isEqualTo((short) 0x8000);
        assertThat(FP16.round(1e-8f)).isEqualTo(0f);
        assertThat(FP16.round(3e-8f)).isEqualTo(Float.float16ToFloat((short) 1)); // nearest subnormal
    }

    @Test
    void bf16_narrows_with_ties_to_even_keeps_subnormals_and_quiets_nan() {
        Random random = new Random(7);
        for (int i = 0; i < 1_000_000; i++) {
            int bits = random.nextInt();
            float value = Float.intBitsToFloat(bits);
            short expected = (bits & 0x7fffffff) > 0x7f800000
                    ? (short) ((bits >>> 16) | 64)
                    : (short) ((bits + (0x7fff + ((bits >>> 16) & 1))) >>> 16);
            assertThat(BF16.fromFloat(value)).isEqualTo(expected);
        }
        assertThat(BF16.fromFloat(Float.intBitsToFloat(0x3f808000))).isEqualTo((short) 0x3f80); // tie, even below
        assertThat(BF16.fromFloat(Float.intBitsToFloat(0x3f818000))).isEqualTo((short) 0x3f82); // tie, even above
        assertThat(BF16.fromFloat(Float.intBitsToFloat(0x00018000))).isEqualTo((short) 0x0002); // subnormal kept
        assertThat(BF16.fromFloat(Float.intBitsToFloat(0x7f800001))).isEqualTo((short) 0x7fc0); // NaN made quiet
        assertThat(BF16.round(1.00390625f)).isEqualTo(1f);
        assertThat(BF16.toFloat((short) 0xbf80)).isEqualTo(-1f);
    }

    /** ggml_compute_fp16_to_fp32. */
    private static float ggmlFp16ToFp32(short h) {
        int w = (h & 0xffff) << 16;
        int sign = w & 0x80000000;
        int twoW = w + w;
        int expOffset = 0xe0 << 23;
        float expScale = 0x1.0p-112f;
        float normalizedValue = Float.intBitsToFloat((twoW >>> 4) + expOffset) * expScale;
        int magicMask = 126 << 23;
        float magicBias = 0.5f;
        float denormalizedValue = Float.intBitsToFloat((twoW >>> 17) | magicMask) - magicBias;
        int denormalizedCutoff = 1 << 27;
        int result = sign
                | (Integer.compareUnsigned(twoW, denormalizedCutoff) < 0
                        ? Float.floatToRawIntBits(denormalizedValue)
                        : Float.floatToRawIntBits(normalizedValue));
        return Float.intBitsToFloat(result);
    }

    /** ggml_compute_fp32_to_fp16. */
    private static short ggmlFp32ToFp16(float f) {
        float scaleToInf = 0x1.0p+112f;
        float scaleToZero = 0x1.0p-110f;
        float base = (Math.abs(f) * scaleToInf) * scaleToZero;
        int w = Float.floatToRawIntBits(f);
        int shl1W = w + w;
        int sign = w & 0x80000000;
        int bias = shl1W & 0xff000000;
        if (Integer.compareUnsigned(bias, 0x71000000) < 0) {
            bias = 0x71000000;
        }
        base = Float.intBitsToFloat((bias >>> 1) + 0x07800000) + base;
        int bits = Float.floatToRawIntBits(base);
        int expBits = (bits >>> 13) & 0x00007c00;
        int mantissaBits = bits & 0x00000fff;
        int nonsign = expBits + mantissaBits;
        return (short) ((sign >>> 16) | (Integer.compareUnsigned(shl1W, 0xff000000) > 0 ? 0x7e00 : nonsign));
    }
}
