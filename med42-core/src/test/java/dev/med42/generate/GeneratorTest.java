package dev.med42.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.med42.model.ContextOverflowException;
import dev.med42.model.KVCacheType;
import dev.med42.model.LlamaModel;
import dev.med42.model.LlamaSession;
import dev.med42.sampling.SamplingParameters;
import dev.med42.testing.Golden;
import dev.med42.testing.TestData;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GeneratorTest {
    private static final SamplingParameters GREEDY =
            SamplingParameters.defaults().withTemperature(0);
    private static LlamaModel model;
    private static Golden golden;

    @BeforeAll
    static void load() throws Exception {
        model = LlamaModel.load(TestData.modelFile("stories260K"));
        golden = Golden.load("stories260K", "once");
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private GenerationResult generate(GenerationOptions options, TokenListener listener, Cancellation cancel) {
        try (LlamaSession session = model.newSession(512, KVCacheType.F32)) {
            return new Generator(model).generate(session, golden.promptTokens(), options, listener, cancel);
        }
    }

    @Test
    void generates_llama_cpps_greedy_tokens_and_streams_their_text() {
        StringBuilder streamed = new StringBuilder();
        GenerationResult result = generate(
                new GenerationOptions(GREEDY, 32, List.of()), (t, text) -> streamed.append(text), new Cancellation());
        assertThat(result.tokens()).containsExactly(golden.genTokens());
        assertThat(result.stopReason()).isEqualTo(StopReason.LENGTH);
        assertThat(result.text())
                .isEqualTo(streamed.toString())
                .isEqualTo(model.tokenizer().decode(golden.genTokens()));
        assertThat(result.promptTokens()).isEqualTo(golden.promptTokens().length);
        assertThat(result.timings().generatedTokens()).isEqualTo(32);
    }

    @Test
    void stops_at_a_stop_string_spanning_tokens_without_leaking_its_start() {
        // The greedy text starts "QQQQQQQ9pphe Once…": "9pphe" spans the tokens "9", "pp" and "he".
        List<String> pieces = new ArrayList<>();
        GenerationResult result = generate(
                new GenerationOptions(GREEDY, 32, List.of("9pphe")), (t, text) -> pieces.add(text), new Cancellation());
        assertThat(result.stopReason()).isEqualTo(StopReason.STOP_STRING);
        assertThat(result.stopString()).isEqualTo("9pphe");
        assertThat(result.text()).isEqualTo("QQQQQQQ");
        assertThat(String.join("", pieces)).isEqualTo("QQQQQQQ");
    }

    @Test
    void stops_when_cancelled_from_another_thread() {
        Cancellation cancel = new Cancellation();
        GenerationResult result = generate(
                new GenerationOptions(GREEDY, -1, List.of()),
                (t, text) -> {
                    if (t == golden.genTokens()[3]) {
                        cancel.cancel();
                    }
                },
                cancel);
        assertThat(result.stopReason()).isEqualTo(StopReason.CANCELLED);
        assertThat(result.tokens()).hasSizeLessThan(32);
    }

    @Test
    void stops_when_the_context_is_full() {
        try (LlamaSession session = model.newSession(golden.promptTokens().length + 3, KVCacheType.F32)) {
            GenerationResult result = new Generator(model)
                    .generate(session, golden.promptTokens(), new GenerationOptions(GREEDY, -1, List.of()));
            assertThat(result.stopReason()).isEqualTo(StopReason.CONTEXT_FULL);
            assertThat(result.tokens()).hasSize(4);
        }
    }

    @Test
    void rejects_a_prompt_longer_than_the_context_naming_both_sizes() {
        try (LlamaSession session = model.newSession(4, KVCacheType.F32)) {
            assertThatThrownBy(() ->
                            new Generator(model).generate(session, golden.promptTokens(), GenerationOptions.defaults()))
                    .isInstanceOf(ContextOverflowException.class)
                    .hasMessage("the prompt is 5 tokens, longer than the context of 4 tokens");
        }
    }

    @Test
    void the_same_seed_gives_the_same_text() {
        GenerationOptions seeded =
                new GenerationOptions(SamplingParameters.defaults().withSeed(42), 24, List.of());
        String first = generate(seeded, TokenListener.NONE, new Cancellation()).text();
        String second = generate(seeded, TokenListener.NONE, new Cancellation()).text();
        assertThat(first).isEqualTo(second);
    }

    @Test
    void reuses_the_prefix_a_session_already_holds() {
        try (LlamaSession session = model.newSession(512, KVCacheType.F32)) {
            Generator generator = new Generator(model);
            GenerationOptions options = new GenerationOptions(GREEDY, 8, List.of());
            generator.generate(session, golden.promptTokens(), options);
            GenerationResult again = generator.generate(session, golden.promptTokens(), options);
            assertThat(again.timings().promptTokens()).isEqualTo(1);
            assertThat(again.tokens()).containsExactly(java.util.Arrays.copyOf(golden.genTokens(), 8));
        }
    }
}
