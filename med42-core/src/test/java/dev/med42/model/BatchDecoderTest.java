package dev.med42.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.med42.testing.Golden;
import dev.med42.testing.TestData;
import org.junit.jupiter.api.Test;

class BatchDecoderTest {
    private static final String MODEL = "tiny-Q4_K_M";

    @Test
    void gives_each_sequence_exactly_the_logits_it_gets_alone() throws Exception {
        int[] once = Golden.load(MODEL, "once").promptTokens();
        int[] clinical = Golden.load(MODEL, "clinical").promptTokens();
        try (LlamaModel model = LlamaModel.load(TestData.modelFile(MODEL))) {
            // Alone: the logits after each prompt and after three more tokens of each.
            int[] extra = {5, 17, 300};
            float[][] aloneOnce = alone(model, once, extra);
            float[][] aloneClinical = alone(model, clinical, extra);

            BatchDecoder batch = new BatchDecoder(model, 128, 512);
            LlamaSession a = model.newSession(512, KVCacheType.F16);
            LlamaSession b = model.newSession(512, KVCacheType.F16);
            float[] out = new float[model.config().vocabularySize()];
            // Step 1: all of A's prompt and the first half of B's.
            int lastA = -1;
            for (int i = 0; i < once.length; i++) {
                lastA = batch.add(a, once[i], i == once.length - 1);
            }
            int half = clinical.length / 2;
            for (int i = 0; i < half; i++) {
                batch.add(b, clinical[i], false);
            }
            batch.run();
            batch.logits(lastA, out);
            assertThat(out).containsExactly(aloneOnce[0]);
            batch.clear();
            // Step 2: A's first generated token beside the rest of B's prompt.
            int stepA = batch.add(a, extra[0], true);
            int lastB = -1;
            for (int i = half; i < clinical.length; i++) {
                lastB = batch.add(b, clinical[i], i == clinical.length - 1);
            }
            batch.run();
            batch.logits(stepA, out);
            assertThat(out).containsExactly(aloneOnce[1]);
            batch.logits(lastB, out);
            assertThat(out).containsExactly(aloneClinical[0]);
            batch.clear();
            // Steps 3 and 4: one token of each.
            for (int k = 1; k < extra.length; k++) {
                int ia = batch.add(a, extra[k], true);
                int ib = batch.add(b, extra[k - 1], true);
                batch.run();
                batch.logits(ia, out);
                assertThat(out).as("A step %d", k).containsExactly(aloneOnce[k + 1]);
                batch.logits(ib, out);
                assertThat(out).as("B step %d", k).containsExactly(aloneClinical[k]);
                batch.clear();
            }
            assertThat(a.position()).isEqualTo(once.length + extra.length);
            assertThat(b.tokens()).startsWith(clinical);
        }
    }

    @Test
    void refuses_what_does_not_fit() throws Exception {
        try (LlamaModel model = LlamaModel.load(TestData.modelFile(MODEL))) {
            BatchDecoder batch = new BatchDecoder(model, 2, 4);
            LlamaSession s = model.newSession(4, KVCacheType.F16);
            batch.add(s, 1, false);
            batch.add(s, 2, true);
            assertThatThrownBy(() -> batch.add(s, 3, true)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> batch.logits(0, new float[512])).isInstanceOf(IllegalArgumentException.class);
            batch.run();
            batch.clear();
            batch.add(s, 3, false);
            batch.add(s, 4, false);
            batch.run();
            batch.clear();
            assertThatThrownBy(() -> batch.add(s, 5, true))
                    .isInstanceOf(ContextOverflowException.class)
                    .hasMessageContaining("4");
            assertThatThrownBy(() -> batch.add(s, 99999, true)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** The logits after the prompt and after each extra token, one session alone. */
    private static float[][] alone(LlamaModel model, int[] prompt, int[] extra) {
        try (LlamaSession session = model.newSession(512, KVCacheType.F16)) {
            float[][] result = new float[extra.length + 1][];
            result[0] = session.evaluate(prompt);
            for (int k = 0; k < extra.length; k++) {
                result[k + 1] = session.step(extra[k]).clone();
            }
            return result;
        }
    }
}
