package dev.med42.spring.autoconfigure.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.med42.generate.BatchScheduler;
import dev.med42.testing.Load;
import dev.med42.testing.Load.Outcome;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The server under load on loopback, in process (so that the scheduler and the heap can be watched): a thousand
 * requests from {@value #CLIENTS} clients against {@value #SLOTS} slots and a queue of {@value #QUEUE}, in two rounds
 * of 500: chat and text completions, whole and streamed, clients that go away mid-stream, malformed and oversized
 * bodies. Every request must end in the answer the same prompt gets alone (greedy decoding: a stream carrying another
 * request's tokens would differ), a 429, or a 400 naming what is wrong: never a 5xx, never a hang. The scheduler never
 * holds more than its slots and queue, is idle afterwards, and the heap after the second round is where it was after
 * the first. The figures are printed for docs/robustness.md.
 */
@SpringBootTest(
        classes = ServerTestApplication.class,
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.main.banner-mode=off",
            "server.address=127.0.0.1",
            "med42.server.enabled=true",
            "med42.server.slots=" + ServerLoadIT.SLOTS,
            "med42.server.queue-limit=" + ServerLoadIT.QUEUE,
            "med42.model.context-size=256",
        })
@ExtendWith(OutputCaptureExtension.class)
class ServerLoadIT {
    static final int SLOTS = 4;
    static final int QUEUE = 8;
    static final int CLIENTS = 16;
    private static final int ROUND = 500;
    private static final int PROMPTS = 12;
    private static final int MAX_TOKENS = 8;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration REFUSAL_PAUSE = Duration.ofMillis(250);
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    /** Just over the server's limit, so that Tomcat swallows the rest and the client reads the answer. */
    private static final byte[] OVERSIZED = oversized();

    private static final List<String> MALFORMED = List.of(
            "{\"messages\": [{\"role\": \"user\", \"content\": Fever}]}",
            "{\"messages\": \"Fever\"}",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"Fever\"}], \"temperature\": -1}",
            "{\"prompt\": [\"one\", \"two\"]}",
            "",
            "[1, 2]");

    @DynamicPropertySource
    static void model(DynamicPropertyRegistry registry) {
        registry.add("med42.model.path", () -> Http.model().toString());
    }

    @LocalServerPort
    int port;

    @Autowired
    ServedModel served;

    private final JsonMapper json = JsonMapper.builder().build();
    private final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void a_thousand_requests_each_end_in_their_own_answer_or_a_clear_refusal_and_leave_nothing_behind(
            CapturedOutput output) throws Exception {
        BatchScheduler scheduler = served.ready().scheduler();
        // Each prompt's answer alone, the reference for the same prompt under load.
        Map<String, String> alone = new ConcurrentHashMap<>();
        for (int k = 0; k < PROMPTS; k++) {
            for (String endpoint : List.of("chat", "completions")) {
                Outcome outcome = Load.post(client, uri(endpoint), endpoint, body(endpoint, k, false), TIMEOUT);
                assertThat(outcome.status()).as(outcome.body()).isEqualTo(200);
                alone.put(endpoint + ":" + k, answer(endpoint, outcome.body()));
            }
        }
        assertThat(alone.values()).as("distinct answers for distinct prompts").hasSizeGreaterThan(PROMPTS);
        long idle = Load.usedHeapAfterGc();
        int logStart = output.getAll().length(); // what startup logged is not the load's

        var busiest = new int[2]; // the most requests decoding, and decoding or waiting, seen at once
        Thread watcher = Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                busiest[0] = Math.max(busiest[0], scheduler.activeRequests());
                busiest[1] = Math.max(busiest[1], scheduler.pendingRequests());
                Thread.onSpinWait();
            }
        });
        List<Outcome> outcomes = new ArrayList<>();
        long[] heap = new long[2];
        long start = System.nanoTime();
        for (int round = 0; round < 2; round++) {
            int offset = round * ROUND;
            outcomes.addAll(Load.run(CLIENTS, ROUND, DEADLINE, REFUSAL_PAUSE, i -> request(offset + i)));
            awaitIdle(scheduler);
            heap[round] = Load.usedHeapAfterGc();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        watcher.interrupt();

        AtomicInteger generated = new AtomicInteger();
        List<String> problems = Load.problems(outcomes, o -> check(o, alone, generated));
        Map<String, Long> byStatus = Load.countByKindAndStatus(outcomes);
        List<Long> answered = Load.answeredNanos(outcomes);
        System.out.printf(
                "ServerLoadIT: %d requests in %.1f s (%.1f/s), %d answered (%.1f/s, %.0f tokens/s), p50 %.1f ms, p99"
                        + " %.1f ms; busiest: %d decoding, %d decoding or waiting; heap after GC: idle %.1f MB, after 500 %.1f MB,"
                        + " after 1000 %.1f MB; %s%n",
                outcomes.size(),
                seconds,
                outcomes.size() / seconds,
                answered.size(),
                answered.size() / seconds,
                generated.get() / seconds,
                Load.percentileMillis(answered, 50),
                Load.percentileMillis(answered, 99),
                busiest[0],
                busiest[1],
                idle / 1e6,
                heap[0] / 1e6,
                heap[1] / 1e6,
                byStatus);

        assertThat(problems).isEmpty();
        // Refusals and clients that go away are no failure of the server's: nothing to warn about.
        assertThat(output.getAll()
                        .substring(logStart)
                        .lines()
                        .filter(line -> line.contains(" ERROR ") || line.contains(" WARN ")))
                .isEmpty();
        assertThat(outcomes).hasSize(2 * ROUND);
        assertThat(byStatus.keySet())
                .as("some requests were refused: the queue bound held")
                .anyMatch(k -> k.endsWith(" 429"));
        assertThat(busiest[0]).isLessThanOrEqualTo(SLOTS);
        assertThat(busiest[1]).isLessThanOrEqualTo(SLOTS + QUEUE);
        assertThat(scheduler.pendingRequests()).isZero();
        // A leak of 16 KB per request, in the 500 requests of the second round, would show. The first round may
        // still grow pools and caches that are then reused (Tomcat's threads and buffers, the client's connections).
        assertThat(heap[1] - heap[0])
                .as("heap growth over the second 500 requests")
                .isLessThan(8L << 20);
    }

    /** Request {@code i}: in every 20, 8 chat answers, 4 chat streams, 2 and 2 of text completions, 2 clients that go
     * away, and 2 malformed requests (one in 50 of them a body beyond the size limit). */
    private Outcome request(int i) {
        int k = i % PROMPTS;
        return switch (i % 20) {
            case 0, 1, 2, 3, 4, 5, 6, 7 -> Load.post(client, uri("chat"), "chat:" + k, body("chat", k, false), TIMEOUT);
            case 8, 9, 10, 11 -> Load.post(client, uri("chat"), "chat-stream:" + k, body("chat", k, true), TIMEOUT);
            case 12, 13 ->
                Load.post(client, uri("completions"), "completions:" + k, body("completions", k, false), TIMEOUT);
            case 14, 15 ->
                Load.post(client, uri("completions"), "completions-stream:" + k, body("completions", k, true), TIMEOUT);
            case 16, 17 -> {
                // No token limit: the answer would run to the end of the context.
                String unlimited = "{\"messages\": [{\"role\": \"user\", \"content\": \"" + prompt(k)
                        + "\"}], \"stream\": true, \"temperature\": 0}";
                yield Load.postThenDisconnect(
                        uri("chat"), "cancel", unlimited.getBytes(StandardCharsets.UTF_8), "\"content\":\"", TIMEOUT);
            }
            default ->
                i % 50 == 19
                        ? Load.post(client, uri("chat"), "oversized", OVERSIZED, TIMEOUT)
                        : Load.post(
                                client,
                                uri(i % 2 == 0 ? "chat" : "completions"),
                                "malformed",
                                MALFORMED.get(i % MALFORMED.size()).getBytes(StandardCharsets.UTF_8),
                                TIMEOUT);
        };
    }

    /** What is wrong with an outcome, or null. */
    private String check(Outcome o, Map<String, String> alone, AtomicInteger generated) {
        if (o.problem() != null && !(o.kind().equals("cancel") && o.status() == 429)) {
            return o.problem();
        }
        if (o.status() == 429) {
            return o.body().contains("rate_limit_exceeded") ? null : "a 429 without OpenAI's rate limit error";
        }
        if (o.kind().equals("malformed") || o.kind().equals("oversized")) {
            return o.status() == 400 && o.body().contains("invalid_request_error") ? null : "not a 400: " + o.body();
        }
        if (o.status() != 200) {
            return "unexpected status: " + o.body();
        }
        if (o.kind().equals("cancel")) {
            return null;
        }
        String endpoint = o.kind().startsWith("chat") ? "chat" : "completions";
        String prompt = o.kind().substring(o.kind().indexOf(':') + 1);
        String text;
        if (o.kind().contains("-stream:")) {
            if (!o.body().endsWith("data: [DONE]\n\n")) {
                return "a stream without [DONE]";
            }
            StringBuilder streamed = new StringBuilder();
            for (String event : o.body().split("\n\n")) {
                String data = event.substring("data: ".length());
                if (data.equals("[DONE]")) {
                    continue;
                }
                JsonNode chunk = json.readTree(data);
                if (chunk.has("error")) {
                    return "an error in the stream: " + data;
                }
                if (chunk.path("usage").isObject()) {
                    generated.addAndGet(chunk.at("/usage/completion_tokens").intValue());
                }
                JsonNode choice = chunk.at("/choices/0");
                JsonNode piece = endpoint.equals("chat") ? choice.at("/delta/content") : choice.path("text");
                if (piece.isString()) {
                    streamed.append(piece.stringValue());
                }
            }
            text = streamed.toString();
        } else {
            generated.addAndGet(
                    json.readTree(o.body()).at("/usage/completion_tokens").intValue());
            text = answer(endpoint, o.body());
        }
        String expected = alone.get(endpoint + ":" + prompt);
        return text.equals(expected)
                ? null
                : "not the answer its prompt gets alone: " + text + " instead of " + expected;
    }

    private void awaitIdle(BatchScheduler scheduler) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (scheduler.pendingRequests() > 0 && System.nanoTime() < end) {
            Thread.sleep(10);
        }
    }

    private byte[] body(String endpoint, int k, boolean stream) {
        String options = ", \"max_tokens\": " + MAX_TOKENS + ", \"temperature\": 0"
                + (stream ? ", \"stream\": true, \"stream_options\": {\"include_usage\": true}" : "");
        String body = endpoint.equals("chat")
                ? "{\"messages\": [{\"role\": \"user\", \"content\": \"" + prompt(k) + "\"}]" + options + "}"
                : "{\"prompt\": \"" + prompt(k) + "\"" + options + "}";
        return body.getBytes(StandardCharsets.UTF_8);
    }

    /** Prompt {@code k}: {@code k + 1} words, so that each has its own length in tokens. */
    private static String prompt(int k) {
        return String.join(" ", Arrays.copyOf(WORDS, k + 1));
    }

    private static final String[] WORDS = {
        "Once", "upon", "a", "time", "there", "was", "a", "little", "girl", "who", "had", "a", "dog"
    };

    private String answer(String endpoint, String body) {
        JsonNode response = json.readTree(body);
        return endpoint.equals("chat")
                ? response.at("/choices/0/message/content").stringValue()
                : response.at("/choices/0/text").stringValue();
    }

    private URI uri(String endpoint) {
        return URI.create(
                "http://127.0.0.1:" + port + "/v1/" + (endpoint.equals("chat") ? "chat/completions" : endpoint));
    }

    private static byte[] oversized() {
        byte[] body = new byte[RequestReader.MAX_BODY_BYTES + 1024];
        Arrays.fill(body, (byte) ' ');
        body[0] = '{';
        body[body.length - 1] = '}';
        return body;
    }
}
