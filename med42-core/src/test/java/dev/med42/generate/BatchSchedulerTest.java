package dev.med42.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.med42.model.ContextOverflowException;
import dev.med42.model.KVCacheType;
import dev.med42.model.LlamaModel;
import dev.med42.model.LlamaSession;
import dev.med42.sampling.SamplingParameters;
import dev.med42.testing.TestData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BatchSchedulerTest {
    private static final GenerationOptions GREEDY =
            new GenerationOptions(SamplingParameters.defaults().withTemperature(0), 24, List.of());
    private static LlamaModel model;

    @BeforeAll
    static void load() throws Exception {
        model = LlamaModel.load(TestData.modelFile("tiny-Q4_K_M"));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static int[] prompt(String text) {
        return model.tokenizer().encode(text, true, false);
    }

    private static GenerationResult alone(int[] prompt, GenerationOptions options) {
        try (LlamaSession session = model.newSession(256, KVCacheType.F16)) {
            return new Generator(model).generate(session, prompt, options);
        }
    }

    @Test
    void gives_every_concurrent_greedy_sequence_the_text_it_gives_alone() throws Exception {
        String[] texts = {"Once upon a time", "The patient is a 67-year-old male", "Chest pain radiating", "Hello"};
        try (BatchScheduler scheduler =
                new BatchScheduler(model, new BatchScheduler.Options(4, 256, KVCacheType.F16, 64, 8))) {
            List<BatchScheduler.Request> requests = new ArrayList<>();
            for (String text : texts) {
                requests.add(scheduler.submit(prompt(text), GREEDY, TokenListener.NONE));
            }
            for (int i = 0; i < texts.length; i++) {
                GenerationResult batched = requests.get(i).result().get(60, TimeUnit.SECONDS);
                GenerationResult single = alone(prompt(texts[i]), GREEDY);
                assertThat(batched.tokens()).as(texts[i]).containsExactly(single.tokens());
                assertThat(batched.text()).isEqualTo(single.text());
                assertThat(batched.stopReason()).isEqualTo(single.stopReason());
            }
        }
    }

    @Test
    void streams_the_same_text_it_returns() throws Exception {
        try (BatchScheduler scheduler =
                new BatchScheduler(model, new BatchScheduler.Options(2, 256, KVCacheType.F16, 32, 4))) {
            StringBuilder streamed = new StringBuilder();
            GenerationResult result = scheduler
                    .submit(prompt("Once upon a time"), GREEDY, (token, text) -> streamed.append(text))
                    .result()
                    .get(60, TimeUnit.SECONDS);
            assertThat(streamed.toString()).isEqualTo(result.text());
        }
    }

    @Test
    void reuses_the_cached_prefix_of_a_free_slot() throws Exception {
        int[] first = prompt("You are a helpful medical assistant. Summarize: chest pain");
        int[] second = prompt("You are a helpful medical assistant. Summarize: fever and cough");
        try (BatchScheduler scheduler =
                new BatchScheduler(model, new BatchScheduler.Options(1, 256, KVCacheType.F16, 32, 4))) {
            scheduler.submit(first, GREEDY, TokenListener.NONE).result().get(60, TimeUnit.SECONDS);
            GenerationResult reused = scheduler
                    .submit(second, GREEDY, TokenListener.NONE)
                    .result()
                    .get(60, TimeUnit.SECONDS);
            int shared = 0;
            while (first[shared] == second[shared]) {
                shared++;
            }
            assertThat(reused.timings().promptTokens()).isEqualTo(second.length - shared);
            assertThat(reused.tokens()).containsExactly(alone(second, GREEDY).tokens());
        }
    }

    @Test
    void refuses_requests_beyond_the_queue() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        TokenListener blocking = (token, text) -> {
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try (BatchScheduler scheduler =
                new BatchScheduler(model, new BatchScheduler.Options(1, 256, KVCacheType.F16, 32, 1))) {
            var running = scheduler.submit(prompt("one"), GREEDY, blocking);
            var queued = scheduler.submit(prompt("two"), GREEDY, TokenListener.NONE);
            assertThatThrownBy(() -> scheduler.submit(prompt("three"), GREEDY, TokenListener.NONE))
                    .isInstanceOf(SchedulerFullException.class)
                    .hasMessageContaining("busy");
            hold.countDown();
            running.result().get(60, TimeUnit.SECONDS);
            queued.result().get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void cancelling_ends_a_sequence_and_frees_its_slot() throws Exception {
        GenerationOptions endless = GREEDY.withMaxTokens(-1);
        try (BatchScheduler scheduler =
                new BatchScheduler(model, new BatchScheduler.Options(1, 256, KVCacheType.F16, 32, 4))) {
            CountDownLatch started = new CountDownLatch(1);
            var first = scheduler.submit(prompt("Once upon a time"), endless, (token, text) -> started.countDown());
            var second = scheduler.submit(prompt("Hello"), GREEDY, TokenListener.NONE);
            started.await(60, TimeUnit.SECONDS);
            first.cancel();
            assertThat(first.result().get(60, TimeUnit.SECONDS).stopReason()).isEqualTo(StopReason.CANCELLED);
            assertThat(second.result().get(60, TimeUnit.SECONDS).stopReason()).isEqualTo(StopReason.LENGTH);
            assertThat(scheduler.activeRequests()).isZero();
        }
    }

    @Test
    void rejects_a_prompt_longer_than_a_slot() {
        try (BatchScheduler scheduler =
                new BatchScheduler(model, new BatchScheduler.Options(1, 8, KVCacheType.F16, 8, 1))) {
            assertThatThrownBy(() -> scheduler.submit(new int[9], GREEDY, TokenListener.NONE))
                    .isInstanceOf(ContextOverflowException.class)
                    .hasMessageContaining("9")
                    .hasMessageContaining("8");
        }
    }

    @Test
    void a_failing_listener_ends_only_its_own_request() throws Exception {
        try (BatchScheduler scheduler =
                new BatchScheduler(model, new BatchScheduler.Options(2, 256, KVCacheType.F16, 32, 4))) {
            var bad = scheduler.submit(prompt("Once"), GREEDY, (token, text) -> {
                throw new IllegalStateException("client went away");
            });
            var good = scheduler.submit(prompt("Hello"), GREEDY, TokenListener.NONE);
            assertThat(bad.result()).failsWithin(60, TimeUnit.SECONDS);
            assertThat(good.result().get(60, TimeUnit.SECONDS).tokens()).hasSize(24);
        }
    }

    @Test
    void shows_the_logits_of_every_prompt_position_and_of_each_sampled_token() throws Exception {
        int[] prompt = prompt("The patient is a 67-year-old male with chest pain radiating to the left arm");
        float[][] expected;
        List<float[]> expectedSampled = new ArrayList<>();
        GenerationResult single;
        try (LlamaSession session = model.newSession(256, KVCacheType.F16)) {
            expected = session.evaluate(prompt, true);
            single = alone(prompt, GREEDY.withMaxTokens(4));
            float[] next = expected[prompt.length - 1];
            for (int token : single.tokens()) {
                expectedSampled.add(next.clone());
                next = session.step(token);
            }
        }
        List<float[]> promptRows = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        List<float[]> sampledRows = new ArrayList<>();
        List<Integer> sampled = new ArrayList<>();
        LogitsListener recorder = new LogitsListener() {
            @Override
            public void onPromptLogits(int position, float[] logits) {
                positions.add(position);
                promptRows.add(logits.clone());
            }

            @Override
            public void onSampled(int token, float[] logits) {
                sampled.add(token);
                sampledRows.add(logits.clone());
            }
        };
        // A budget of 8 splits the prompt into chunks, batched with another sequence.
        try (BatchScheduler scheduler =
                new BatchScheduler(model, new BatchScheduler.Options(2, 256, KVCacheType.F16, 8, 4))) {
            scheduler.submit(prompt, GREEDY, TokenListener.NONE).result().get(60, TimeUnit.SECONDS); // warm the cache
            var other = scheduler.submit(prompt("Hello"), GREEDY, TokenListener.NONE);
            GenerationResult result = scheduler
                    .submit(prompt, GREEDY.withMaxTokens(4), TokenListener.NONE, recorder, true)
                    .result()
                    .get(60, TimeUnit.SECONDS);
            other.result().get(60, TimeUnit.SECONDS);

            assertThat(result.timings().promptTokens()).as("no prefix reuse").isEqualTo(prompt.length);
            assertThat(positions).hasSize(prompt.length - 1);
            for (int p = 0; p < prompt.length - 1; p++) {
                assertThat(positions.get(p)).isEqualTo(p);
                assertThat(promptRows.get(p)).as("position %d", p).containsExactly(expected[p]);
            }
            assertThat(result.tokens()).containsExactly(single.tokens());
            assertThat(sampled)
                    .containsExactly(Arrays.stream(single.tokens()).boxed().toArray(Integer[]::new));
            for (int i = 0; i < sampled.size(); i++) {
                assertThat(sampledRows.get(i)).as("token %d", i).containsExactly(expectedSampled.get(i));
            }
        }
    }
}
