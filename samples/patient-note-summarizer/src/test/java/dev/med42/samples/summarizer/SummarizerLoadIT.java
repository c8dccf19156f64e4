package dev.med42.samples.summarizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.med42.samples.summarizer.web.SummaryGate;
import dev.med42.testing.Load;
import dev.med42.testing.Load.Outcome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The summarizer under load on loopback, on the demo model: a thousand requests from {@value #CLIENTS} clients against
 * {@value #CONCURRENCY} running summaries and a queue of {@value #QUEUE}, in two rounds of 500: notes as JSON, streamed
 * and uploaded, clients that go away mid-stream, malformed, empty, non-text and oversized notes. Every request must end
 * in the summary the same note gets alone (greedy decoding: one carrying another note's tokens would differ), a 429, or
 * the 4xx that names what is wrong: never a 5xx, never a hang. The queue never holds more than its bound, is empty
 * afterwards, and the heap after the second round is where it was after the first. The figures are printed for the
 * README.
 */
@SpringBootTest(
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.main.banner-mode=off",
            "med42.generation.temperature=0",
            "med42.generation.max-tokens=" + SummarizerLoadIT.MAX_TOKENS,
            "summarizer.concurrency=" + SummarizerLoadIT.CONCURRENCY,
            "summarizer.queue-capacity=" + SummarizerLoadIT.QUEUE,
        })
@ExtendWith(OutputCaptureExtension.class)
class SummarizerLoadIT {
    static final int CONCURRENCY = 2;
    static final int QUEUE = 4;
    static final int MAX_TOKENS = 8;
    private static final int CLIENTS = 8;
    private static final int ROUND = 500;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration REFUSAL_PAUSE = Duration.ofMillis(250);
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final List<String> NOTES = List.of(
            "Chief complaint: fever for three days. Medications: paracetamol. Allergies: none known.",
            "Chief complaint: chest pain on exertion. History: hypertension. Plan: ECG and troponin.",
            "Follow-up of type 2 diabetes. HbA1c 8.1%. Metformin continued; review in three months.",
            "Cough and wheeze at night in a child of six. Salbutamol as needed; allergies: penicillin.",
            "Day two after appendectomy. Pain controlled, eating, walking. Discharge home tomorrow.",
            "Headache for a week, worse in the morning. No focal signs. Plan: blood pressure diary.");

    @LocalServerPort
    int port;

    @Autowired
    SummaryGate gate;

    private final JsonMapper json = JsonMapper.builder().build();
    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void a_thousand_requests_each_end_in_their_own_summary_or_a_clear_refusal_and_leave_nothing_behind(
            CapturedOutput output) throws Exception {
        // Each note's summary alone, the reference for the same note under load.
        Map<Integer, String> alone = new HashMap<>();
        for (int k = 0; k < NOTES.size(); k++) {
            Outcome outcome = Load.post(client, uri(""), "json:" + k, noteJson(k), TIMEOUT);
            assertThat(outcome.status()).as(outcome.body()).isEqualTo(200);
            alone.put(k, json.readTree(outcome.body()).at("/raw").asString());
        }
        assertThat(alone.values()).as("distinct summaries for distinct notes").hasSizeGreaterThan(1);
        long idle = Load.usedHeapAfterGc();
        int logStart = output.getAll().length(); // what startup logged (the demo model's warning) is not the load's

        var busiest = new int[1];
        Thread watcher = Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                busiest[0] = Math.max(busiest[0], gate.admitted());
                Thread.onSpinWait();
            }
        });
        List<Outcome> outcomes = new ArrayList<>();
        long[] heap = new long[2];
        long start = System.nanoTime();
        for (int round = 0; round < 2; round++) {
            int offset = round * ROUND;
            outcomes.addAll(Load.run(CLIENTS, ROUND, DEADLINE, REFUSAL_PAUSE, i -> request(offset + i)));
            awaitIdle();
            heap[round] = Load.usedHeapAfterGc();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        watcher.interrupt();

        List<String> problems = Load.problems(outcomes, o -> check(o, alone));
        Map<String, Long> byStatus = Load.countByKindAndStatus(outcomes);
        List<Long> answered = Load.answeredNanos(outcomes);
        System.out.printf(
                "SummarizerLoadIT: %d requests in %.1f s (%.1f/s), %d summaries (%.1f/s), p50 %.1f ms, p99 %.1f ms;"
                        + " busiest queue: %d; heap after GC: idle %.1f MB, after 500 %.1f MB, after 1000 %.1f MB; %s%n",
                outcomes.size(),
                seconds,
                outcomes.size() / seconds,
                answered.size(),
                answered.size() / seconds,
                Load.percentileMillis(answered, 50),
                Load.percentileMillis(answered, 99),
                busiest[0],
                idle / 1e6,
                heap[0] / 1e6,
                heap[1] / 1e6,
                byStatus);

        assertThat(problems).isEmpty();
        assertThat(output.getAll()
                        .substring(logStart)
                        .lines()
                        .filter(line -> line.contains(" ERROR ") || line.contains(" WARN ")))
                .isEmpty();
        assertThat(outcomes).hasSize(2 * ROUND);
        assertThat(byStatus.keySet()).as("some requests were refused").anyMatch(k -> k.endsWith(" 429"));
        assertThat(busiest[0]).isLessThanOrEqualTo(CONCURRENCY + QUEUE);
        assertThat(gate.admitted()).isZero();
        assertThat(heap[1] - heap[0])
                .as("heap growth over the second 500 requests")
                .isLessThan(8L << 20);
    }

    /**
     * Request {@code i}: in every 20, 8 summaries as JSON, 4 streamed, 2 uploaded, 2 clients that go away at the first
     * event, and a bad request each: malformed JSON, an empty note, a PDF, and (one in 50) a note over the size limit.
     */
    private Outcome request(int i) {
        int k = i % NOTES.size();
        return switch (i % 20) {
            case 0, 1, 2, 3, 4, 5, 6, 7 -> Load.post(client, uri(""), "json:" + k, noteJson(k), TIMEOUT);
            case 8, 9, 10, 11 -> Load.post(client, uri("/stream"), "stream:" + k, noteJson(k), TIMEOUT);
            case 12, 13 -> upload("upload:" + k, "note.txt", "text/plain", NOTES.get(k));
            case 14, 15 -> Load.postThenDisconnect(uri("/stream"), "cancel", noteJson(k), "event:progress", TIMEOUT);
            case 16 -> Load.post(client, uri(""), "malformed", bytes("{\"note\": Fever}"), TIMEOUT);
            case 17 -> Load.post(client, uri(""), "empty", bytes("{\"note\": \"  \\n \"}"), TIMEOUT);
            case 18 -> upload("not-text", "note.pdf", "application/pdf", NOTES.get(k));
            default ->
                i % 50 == 19
                        ? Load.post(
                                client,
                                uri(""),
                                "oversized",
                                Http.noteJson("x".repeat(101 * 1024)).getBytes(),
                                TIMEOUT)
                        : Load.post(client, uri(""), "malformed", bytes("[1, 2]"), TIMEOUT);
        };
    }

    /** What is wrong with an outcome, or null. */
    private String check(Outcome o, Map<Integer, String> alone) {
        if (o.status() == 429) {
            return o.body().contains("Model busy") ? null : "a 429 without its problem detail: " + o.body();
        }
        if (o.problem() != null) {
            return o.problem();
        }
        Integer expected = switch (o.kind()) {
            case "malformed", "empty" -> 400;
            case "oversized" -> 413;
            case "not-text" -> 415;
            default -> 200;
        };
        if (o.status() != expected) {
            return "expected " + expected + ": " + o.body();
        }
        if (expected != 200 || o.kind().equals("cancel")) {
            return null;
        }
        String reference =
                alone.get(Integer.parseInt(o.kind().substring(o.kind().indexOf(':') + 1)));
        if (!o.kind().startsWith("stream:")) {
            String raw = json.readTree(o.body()).at("/raw").asString();
            return raw.equals(reference) ? null : "not the summary its note gets alone: " + raw;
        }
        StringBuilder tokens = new StringBuilder();
        String last = null;
        JsonNode summary = null;
        Matcher events = PatientNoteSummarizerApplicationIT.EVENT.matcher(o.body());
        while (events.find()) {
            last = events.group(1);
            JsonNode data = json.readTree(events.group(2));
            switch (last) {
                case "token" -> tokens.append(data.at("/text").asString());
                case "summary" -> summary = data;
                case "progress" -> {}
                default -> {
                    return "unexpected event " + last + ": " + data;
                }
            }
        }
        if (!"summary".equals(last) || summary == null) {
            return "a stream that does not end with its summary";
        }
        String raw = summary.at("/raw").asString();
        return raw.equals(reference) && tokens.toString().equals(reference)
                ? null
                : "not the summary its note gets alone: " + raw + " (streamed: " + tokens + ")";
    }

    private Outcome upload(String kind, String fileName, String type, String note) {
        String boundary = "----load-test-boundary";
        byte[] body = bytes("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + fileName + "\"\r\nContent-Type: " + type + "\r\n\r\n" + note + "\r\n--" + boundary + "--\r\n");
        return Load.send(
                client,
                kind,
                HttpRequest.newBuilder(uri(""))
                        .timeout(TIMEOUT)
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .header("Accept", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build());
    }

    private void awaitIdle() throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (gate.admitted() > 0 && System.nanoTime() < end) {
            Thread.sleep(10);
        }
    }

    private static byte[] noteJson(int k) {
        return bytes(Http.noteJson(NOTES.get(k)));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private URI uri(String suffix) {
        return URI.create("http://127.0.0.1:" + port + "/api/summaries" + suffix);
    }
}
