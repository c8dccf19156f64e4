package dev.med42.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.med42.quant.GGMLType;
import dev.med42.testing.Golden;
import dev.med42.testing.TestData;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Logits against llama.cpp's at every prompt position and every teacher-forced generation step, for every golden
 * model (all of ../shared/testdata when present, else the bundled ones). Tolerances, from the testdata README:
 *
 * <ul>
 *   <li>F32 models 1e-4 (a careful float implementation reaches about 1e-6; stories260K's logits reach 18);
 *   <li>F16 models 2e-3 (llama.cpp rounds activations to F16 before F16 products; so do we, but not its tinyBLAS
 *       summation order for prompt batches);
 *   <li>quantized models 0.05: the kernels reproduce ggml's activation quantization and integer dot products, so most
 *       positions agree to 1e-6, but a one-step rounding flip of an int8 activation, caused by a last-ulp difference
 *       upstream (exp, sin, cos, summation order), is amplified through the layers to about 2e-2 (the README measured
 *       up to 2.8e-2 for exactly dequantized float paths and recommends 0.05).
 * </ul>
 *
 * Wherever the golden gap between the best and second-best token exceeds the tolerance, the argmax must agree.
 */
class LlamaGoldenTest {
    static Stream<Arguments> goldens() {
        return TestData.goldenModels().stream()
                .flatMap(m -> Stream.of(Arguments.of(m, "once"), Arguments.of(m, "clinical")));
    }

    static double tolerance(LlamaModel model) {
        GGMLType type = model.weightType();
        return switch (type) {
            case F32 -> 1e-4;
            case F16, BF16 -> 2e-3;
            default -> 0.05;
        };
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("goldens")
    void matches_llama_cpp_logits_at_every_position(String modelName, String prompt) throws Exception {
        Golden golden = Golden.load(modelName, prompt);
        try (LlamaModel model = LlamaModel.load(TestData.modelFile(modelName));
                LlamaSession session = model.newSession(512, KVCacheType.F32)) {
            double tolerance = tolerance(model);
            double worst = 0;
            float[][] logits = session.evaluate(golden.promptTokens(), true);
            for (int i = 0; i < logits.length; i++) {
                worst = Math.max(
                        worst, assertClose(logits[i], golden.promptLogits()[i], tolerance, "prompt position " + i));
            }
            int[] gen = golden.genTokens();
            for (int j = 0; j + 1 < gen.length; j++) {
                float[] step = session.step(gen[j]);
                worst = Math.max(worst, assertClose(step, golden.genLogits()[j], tolerance, "generation step " + j));
            }
            // The measured figure, for the README: the largest difference from llama.cpp over every position.
            System.out.printf(
                    java.util.Locale.ROOT,
                    "golden %s %s: %d positions, largest |logit difference| %.2e (tolerance %.0e)%n",
                    modelName,
                    prompt,
                    logits.length + Math.max(0, gen.length - 1),
                    worst,
                    tolerance);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("goldens")
    void gives_the_same_logits_batched_and_token_by_token(String modelName, String prompt) throws Exception {
        Golden golden = Golden.load(modelName, prompt);
        try (LlamaModel model = LlamaModel.load(TestData.modelFile(modelName));
                LlamaSession batched = model.newSession(512, KVCacheType.F16);
                LlamaSession single = model.newSession(512, KVCacheType.F16)) {
            float[][] all = batched.evaluate(golden.promptTokens(), true);
            for (int i = 0; i < all.length; i++) {
                assertThat(single.step(golden.promptTokens()[i]))
                        .as("position %d", i)
                        .containsExactly(all[i]);
            }
        }
    }

    @Test
    void continues_stories260K_greedily_exactly_as_llama_cpp() throws Exception {
        for (String prompt : new String[] {"once", "clinical"}) {
            Golden golden = Golden.load("stories260K", prompt);
            try (LlamaModel model = LlamaModel.load(TestData.modelFile("stories260K"));
                    LlamaSession session = model.newSession(512, KVCacheType.F32)) {
                float[] logits = session.evaluate(golden.promptTokens());
                int[] generated = new int[golden.genTokens().length];
                for (int i = 0; i < generated.length; i++) {
                    generated[i] = Golden.argmax(logits);
                    if (i + 1 < generated.length) {
                        logits = session.step(generated[i]);
                    }
                }
                assertThat(generated).as(prompt).containsExactly(golden.genTokens());
            }
        }
    }

    /** Checks one position and returns its largest difference. */
    static double assertClose(float[] actual, float[] expected, double tolerance, String where) {
        double worst = 0;
        int at = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = Math.abs(actual[i] - expected[i]);
            if (d > worst) {
                worst = d;
                at = i;
            }
        }
        assertThat(worst).as("%s: largest difference, at token %d", where, at).isLessThanOrEqualTo(tolerance);
        if (Golden.topGap(expected) > tolerance) {
            assertThat(Golden.argmax(actual)).as("%s: argmax", where).isEqualTo(Golden.argmax(expected));
        }
        return worst;
    }
}
