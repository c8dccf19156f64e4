package dev.med42.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.med42.testing.TestTensors;
import org.junit.jupiter.api.Test;

class ActivationsTest {
    @Test
    void picks_the_vec_dot_type_of_the_weights() {
        assertThat(Activations.forWeights(GGMLType.Q4_0, 64, 1).type()).isEqualTo(GGMLType.Q8_0);
        assertThat(Activations.forWeights(GGMLType.Q5_1, 64, 1).type()).isEqualTo(GGMLType.Q8_1);
        assertThat(Activations.forWeights(GGMLType.Q6_K, 256, 1).type()).isEqualTo(GGMLType.Q8_K);
        assertThat(Activations.forWeights(GGMLType.F16, 7, 1).type()).isEqualTo(GGMLType.F16);
        assertThat(Activations.forWeights(GGMLType.F32, 7, 1).type()).isEqualTo(GGMLType.F32);
    }

    @Test
    void q8_0_rounds_half_to_even_like_ggml_avx2_not_away_from_zero_like_its_ref() {
        float[] x = new float[32];
        x[0] = 127; // amax 127: scale 1, multiplier 1
        x[1] = 2.5f;
        x[2] = -2.5f;
        x[3] = 3.5f;
        x[4] = 0.5f;
        x[5] = -126.5f;
        Activations a = Activations.forWeights(GGMLType.Q8_0, 32, 1);
        a.quantize(x, 1);

        assertThat(new int[] {a.q(0, 0), a.q(0, 1), a.q(0, 2), a.q(0, 3), a.q(0, 4), a.q(0, 5)})
                .containsExactly(127, 2, -2, 4, 0, -126);
        assertThat(a.d(0, 0)).isEqualTo(1f);
    }

    @Test
    void q8_0_multiplies_by_127_over_amax_like_ggml_avx2_not_by_the_inverse_scale_like_its_ref() {
        // find a block where the two multipliers round some value differently
        for (int i = 1; i < 100_000; i++) {
            float amax = 1 + i * 1e-4f;
            float avx2 = 127f / amax;
            float ref = 1f / (amax / 127f);
            for (int k = -127; k <= 127 && avx2 != ref; k++) {
                float x = (k + 0.5f) * amax / 127f;
                if (Math.rint(x * avx2) != Math.rint(x * ref) && Math.abs(x) < amax) {
                    float[] block = new float[32];
                    block[0] = amax;
                    block[1] = x;
                    Activations a = Activations.forWeights(GGMLType.Q8_0, 32, 1);
                    a.quantize(block, 1);
                    assertThat(a.q(0, 1)).isEqualTo((int) Math.rint(x * avx2));
                    return;
                }
            }
        }
        throw new AssertionError("no value tells the multipliers apart");
    }

    @Test
    void q8_0_stores_the_scale_as_fp16_and_q8_1_the_fp16_of_scale_times_sum() {
        float[] x = TestTensors.gaussian(64, 3);
        Activations q8_0 = Activations.forWeights(GGMLType.Q8_0, 64, 1);
        Activations q8_1 = Activations.forWeights(GGMLType.Q4_1, 64, 1);
        q8_0.quantize(x, 1);
        q8_1.quantize(x, 1);
        for (int b = 0; b < 2; b++) {
            float amax = 0;
            int sum = 0;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(x[32 * b + j]));
                sum += q8_1.q(0, 32 * b + j);
                assertThat(q8_1.q(0, 32 * b + j)).isEqualTo(q8_0.q(0, 32 * b + j));
            }
            assertThat(q8_0.d(0, b)).isEqualTo(FP16.round(amax / 127f)).isEqualTo(q8_1.d(0, b));
            assertThat(q8_1.s(0, b)).isEqualTo(FP16.round(amax / 127f * sum));
        }
    }

    @Test
    void q8_k_maps_the_signed_extreme_to_minus_127_with_a_float_scale_and_sums_every_16() {
        float[] x = TestTensors.gaussian(256, 5);
        x[17] = 4.1f; // the largest magnitude, positive: gets -127 and a negative scale
        Activations a = Activations.forWeights(GGMLType.Q4_K, 256, 1);
        a.quantize(x, 1);

        float iscale = -127f / 4.1f;
        assertThat(a.q(0, 17)).isEqualTo(-127);
        assertThat(a.d(0, 0)).isEqualTo(1 / iscale).isNegative();
        for (int i = 0; i < 256; i++) {
            assertThat(a.q(0, i)).isEqualTo((int) Math.min(127, Math.rint(iscale * x[i])));
        }
        for (int g = 0; g < 16; g++) {
            int sum = 0;
            for (int i = 16 * g; i < 16 * g + 16; i++) {
                sum += a.q(0, i);
            }
            assertThat(a.bsum(0, g)).isEqualTo(sum);
        }
    }

    @Test
    void an_all_zero_block_quantizes_to_zeros_with_zero_scale() {
        float[] x = new float[512];
        x[300] = 1;
        Activations a = Activations.forWeights(GGMLType.Q4_K, 512, 2);
        a.quantize(TestTensors.gaussian(1024, 1), 2);
        a.quantize(x, 1);
        assertThat(a.d(0, 0)).isZero();
        for (int i = 0; i < 256; i++) {
            assertThat(a.q(0, i)).isZero();
        }
        for (int g = 0; g < 16; g++) {
            assertThat(a.bsum(0, g)).isZero();
        }
        assertThat(a.q(0, 300)).isEqualTo(-127);
    }

    @Test
    void f16_and_bf16_activations_are_rounded_and_f32_copied() {
        float[] x = {1.0001f, -3.14159f, 70000f, 1e-9f};
        Activations f16 = Activations.forWeights(GGMLType.F16, 4, 1);
        Activations bf16 = Activations.forWeights(GGMLType.BF16, 4, 1);
        Activations f32 = Activations.forWeights(GGMLType.F32, 4, 1);
        f16.quantize(x, 1);
        bf16.quantize(x, 1);
        f32.quantize(x, 1);
        for (int i = 0; i < 4; i++) {
            assertThat(f16.value(0, i)).isEqualTo(FP16.round(x[i]));
            assertThat(bf16.value(0, i)).isEqualTo(BF16.round(x[i]));
            assertThat(f32.value(0, i)).isEqualTo(x[i]);
        }
        assertThat(f16.value(0, 2)).isEqualTo(Float.POSITIVE_INFINITY);
    }

    @Test
    void quantizes_several_tokens_from_an_offset_independently() {
        float[] x = TestTensors.gaussian(3 * 256 + 5, 9);
        Activations all = Activations.forWeights(GGMLType.Q4_K, 256, 4);
        Activations one = Activations.forWeights(GGMLType.Q4_K, 256, 1);
        all.quantize(x, 5, 3);
        assertThat(all.tokens()).isEqualTo(3);
        for (int t = 0; t < 3; t++) {
            one.quantize(x, 5 + 256 * t, 1);
            for (int i = 0; i < 256; i++) {
                assertThat(all.q(t, i)).isEqualTo(one.q(0, i));
            }
            assertThat(all.d(t, 0)).isEqualTo(one.d(0, 0));
        }
    }

    @Test
    void stores_each_chunk_even_positions_first() {
        assertThat(Activations.qsIndex(0)).isZero();
        assertThat(Activations.qsIndex(1)).isEqualTo(16);
        assertThat(Activations.qsIndex(2)).isEqualTo(1);
        assertThat(Activations.qsIndex(31)).isEqualTo(31);
        assertThat(Activations.qsIndex(32 + 5)).isEqualTo(32 + 16 + 2);
    }

    @Test
    void rejects_rows_that_are_not_whole_blocks_and_too_many_tokens() {
        assertThatThrownBy(() -> Activations.forWeights(GGMLType.Q4_K, 300, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Q8_K");
        assertThatThrownBy(() -> Activations.forWeights(GGMLType.IQ2_XS, 256, 1))
                .isInstanceOf(UnsupportedOperationException.class);
        Activations a = Activations.forWeights(GGMLType.Q8_0, 32, 2);
        assertThatThrownBy(() -> a.quantize(new float[96], 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.quantize(new float[40], 2)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
