package dev.med42.samples.summarizer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.json.JsonMapper;

/**
 * Note text and summaries stay out of the logs, the metrics and the error responses, through whole requests that
 * succeed and that fail, with the application's and the runtime's loggers at their most verbose and Spring MVC's at
 * DEBUG (which logs every exception it resolves). The log is the real one: Logback's console appender, captured.
 */
@SpringBootTest(
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
            "logging.level.dev.med42=TRACE",
            "logging.level.org.apache.catalina=DEBUG",
            "logging.level.org.springframework.web=DEBUG",
            "logging.level.org.springframework.http=DEBUG"
        })
@ExtendWith(OutputCaptureExtension.class)
class PrivacyIT {
    /**
     * Stands for a patient's identity: it must appear nowhere but in the request. One word, so that a parser that quotes
     * the token it fails on (up to the next punctuation) would quote all of it.
     */
    static final String SECRET = "Zebrafish7731";

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @Test
    void neither_the_note_nor_its_summary_reach_the_logs_metrics_or_errors(CapturedOutput output) throws Exception {
        Http http = new Http(port);
        // First, so that a parser's error message, which quotes the token it choked on, would quote it.
        String note = SECRET + " was admitted.\n" + DemoModel.example("chest-pain-admission");
        List<HttpResponse<String>> failures = new ArrayList<>();

        HttpResponse<String> summary = http.postJson("/api/summaries", "application/json", Http.noteJson(note));
        HttpResponse<String> stream = http.postJson("/api/summaries/stream", "text/event-stream", Http.noteJson(note));
        failures.add(http.postJson("/api/summaries", "application/json", "{\"note\": " + note + "}"));
        failures.add(http.postJson(
                "/api/summaries", "application/json", Http.noteJson(note + " " + "x".repeat(100 * 1024))));
        failures.add(http.postJson(
                "/api/summaries/stream", "text/event-stream", Http.noteJson(note + "x".repeat(100 * 1024))));
        failures.add(http.upload("/api/summaries", "note.pdf", "application/pdf", bytes(note)));
        failures.add(http.upload("/api/summaries", "note.txt", "text/plain", latin1("Ödem " + note)));
        failures.add(http.post("/api/summaries", "text/plain", "application/json", bytes(note)));

        assertThat(summary.statusCode()).isEqualTo(200);
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(failures).extracting(HttpResponse::statusCode).containsExactly(400, 413, 413, 415, 415, 415);
        assertThat(failures).allSatisfy(failure -> assertThat(failure.body()).doesNotContain(SECRET));

        String answer =
                JsonMapper.builder().build().readTree(summary.body()).at("/raw").asString();
        assertThat(output.getAll()).as("the log").isNotEmpty().doesNotContain(SECRET);
        for (String line :
                answer.lines().filter(line -> line.strip().length() >= 12).toList()) {
            assertThat(output.getAll()).as("the log").doesNotContain(line.strip());
        }
        for (Meter meter : meters.getMeters()) {
            for (Tag tag : meter.getId().getTags()) {
                assertThat(tag.getValue()).as(meter.getId().getName()).doesNotContain(SECRET);
            }
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
