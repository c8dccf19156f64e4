package dev.med42.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.med42.generate.GenerationOptions;
import dev.med42.generate.Generator;
import dev.med42.model.KVCacheType;
import dev.med42.model.LlamaModel;
import dev.med42.model.LlamaSession;
import dev.med42.sampling.SamplingParameters;
import dev.med42.testing.TestData;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ConcurrentBenchmarkTest {
    private static LlamaModel model;

    @BeforeAll
    static void load() throws Exception {
        model = LlamaModel.load(TestData.modelFile("tiny-Q4_K_M"), 1);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void counts_the_tokens_every_sequence_generates_in_every_repetition() {
        int alone;
        try (LlamaSession session = model.newSession(16, KVCacheType.F16)) {
            alone = new Generator(model)
                    .generate(
                            session,
                            new int[] {model.tokenizer().vocabulary().bos().orElseThrow()},
                            new GenerationOptions(SamplingParameters.defaults().withTemperature(0), 8, List.of()))
                    .generatedTokens();
        }

        Benchmark.Result result = ConcurrentBenchmark.run(model, 3, 8, 2);

        assertThat(result.sequences()).isEqualTo(3);
        assertThat(result.threads()).isEqualTo(1);
        assertThat(result.samplesTokens()).containsExactly(3 * alone, 3 * alone);
        assertThat(result.samplesNs()).hasSize(2).doesNotContain(0L);
        assertThat(result.avgTs()).isPositive();
        assertThat(result.name()).isEqualTo("tg8 np3");
    }

    @Test
    void refuses_counts_that_are_not_positive() {
        assertThatThrownBy(() -> ConcurrentBenchmark.run(model, 0, 8, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
    }
}
