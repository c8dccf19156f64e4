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
}
