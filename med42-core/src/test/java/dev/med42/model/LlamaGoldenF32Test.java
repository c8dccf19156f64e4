package dev.med42.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.med42.testing.Golden;
import dev.med42.testing.TestData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LlamaGoldenF32Test {
    @ParameterizedTest
    @CsvSource({"stories260K,once", "stories260K,clinical"})
    void matches_llama_cpp_logits(String modelName, String prompt) throws Exception {
        Golden golden = Golden.load(modelName, prompt);
        try (LlamaModel model = LlamaModel.load(TestData.modelFile(modelName));
                LlamaSession session = model.newSession(model.config().contextLength(), KVCacheType.F32)) {
            float[][] logits = session.evaluate(golden.promptTokens(), true);
            double worst = maxDiff(logits, golden.promptLogits());
            int[] gen = golden.genTokens();
            double worstGen = 0;
            for (int j = 0; j + 1 < gen.length; j++) {
                float[] step = session.evaluate(new int[] {gen[j]});
                worstGen = Math.max(worstGen, maxDiff(new float[][] {step}, new float[][] {golden.genLogits()[j]}));
            }
            System.out.println(modelName + " " + prompt + " max diff " + worst + " gen " + worstGen);
            assertThat(worst).isLessThan(1e-4);
            assertThat(worstGen).isLessThan(1e-4);
        }
    }

    @ParameterizedTest
    @CsvSource({"stories260K,once", "stories260K,clinical"})
    void greedy_continuation_equals_llama_cpp(String modelName, String prompt) throws Exception {
        Golden golden = Golden.load(modelName, prompt);
        try (LlamaModel model = LlamaModel.load(TestData.modelFile(modelName));
                LlamaSession session = model.newSession(model.config().contextLength(), KVCacheType.F32)) {
            float[] logits = session.evaluate(golden.promptTokens());
            int[] generated = new int[golden.genTokens().length];
            for (int i = 0; i < generated.length; i++) {
                generated[i] = Golden.argmax(logits);
                if (i + 1 < generated.length) {
                    logits = session.evaluate(new int[] {generated[i]});
                }
            }
            assertThat(generated).containsExactly(golden.genTokens());
        }
    }

    static double maxDiff(float[][] actual, float[][] expected) {
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
            for (int j = 0; j < actual[i].length; j++) {
                worst = Math.max(worst, Math.abs(actual[i][j] - expected[i][j]));
            }
        }
        return worst;
    }
}
