package dev.med42.spring.autoconfigure.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.med42.generate.BatchScheduler;
import dev.med42.generate.GenerationOptions;
import dev.med42.generate.TokenListener;
import dev.med42.sampling.SamplingParameters;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Beyond the slots and the queue (none here), a request is refused at once with 429 and Retry-After. */
class BackpressureIT extends ServerIT {

    @Test
    void refuses_a_request_beyond_the_queue_with_429_and_retry_after() throws Exception {
        BatchScheduler scheduler = served.ready().scheduler();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // A listener that waits holds the scheduler's thread: one slot busy, the second request queued for the other.
        TokenListener holding = (token, text) -> {
            started.countDown();
            await(release);
        };
        GenerationOptions four = new GenerationOptions(SamplingParameters.defaults(), 4, List.of());
        int[] prompt = served.ready().model().tokenizer().encode("Once", true, false);
        BatchScheduler.Request running = scheduler.submit(prompt, four, holding);
        assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();
        BatchScheduler.Request queued = scheduler.submit(prompt, four, TokenListener.NONE);
        try {
            HttpResponse<String> refused = http.post("/v1/chat/completions", chat("\"max_tokens\": 4"));
            HttpResponse<String> metrics = http.get("/metrics");

            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            JsonNode error = json.readTree(refused.body()).get("error");
            assertThat(error.get("code").stringValue()).isEqualTo("rate_limit_exceeded");
            assertThat(error.get("message").stringValue()).contains("busy");
            assertThat(metrics.body())
                    .contains("\nllamacpp:requests_processing 1\n")
                    .contains("\nllamacpp:requests_deferred 1\n");
        } finally {
            release.countDown();
        }
        running.result().get(60, TimeUnit.SECONDS);
        queued.result().get(60, TimeUnit.SECONDS);
        assertThat(http.post("/v1/chat/completions", chat("\"max_tokens\": 4")).statusCode())
                .isEqualTo(200);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
