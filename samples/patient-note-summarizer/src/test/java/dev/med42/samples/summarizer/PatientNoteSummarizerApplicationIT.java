package dev.med42.samples.summarizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole application as it starts out of the box: no model configured, so it runs on the bundled demo model
 * (random weights, Llama-2's vocabulary, context 512), on which the example notes are long enough to be summarized
 * in several pieces and merged.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class PatientNoteSummarizerApplicationIT {
    static final Pattern EVENT = Pattern.compile("event:(\\w+)\ndata:(.*)\n\n");

    @LocalServerPort
    int port;

    Http http;
    final JsonMapper json = JsonMapper.builder().build();

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    @Test
    void says_that_it_runs_on_the_demo_model_and_what_goes_beside_every_summary() throws Exception {
        JsonNode about = json.readTree(http.get("/api/about").body());

        assertThat(about.at("/model/name").asString()).isEqualTo("tiny-synthetic-llama2vocab");
        assertThat(about.at("/model/file").asString()).isEqualTo("llama2vocab-tiny-Q4_K_M.gguf");
        assertThat(about.at("/model/contextSize").asInt()).isEqualTo(512);
        assertThat(about.at("/model/med42").asBoolean()).isFalse();
        assertThat(about.at("/model/demo").asBoolean()).isTrue();
        assertThat(about.at("/disclaimer").asString()).isEqualTo(dev.med42.chat.Disclaimer.DEFAULT_TEXT);
        assertThat(about.at("/maxNoteBytes").asLong()).isEqualTo(100 * 1024);
        assertThat(about.at("/sections").findValuesAsString("key"))
                .containsExactly(
                        "chiefComplaint",
                        "history",
                        "medications",
                        "allergies",
                        "assessment",
                        "plan",
                        "followUp",
                        "other");
    }

    @Test
    void summarizes_an_example_note_in_pieces_as_json() throws Exception {
        HttpResponse<String> response = http.postJson(
                "/api/summaries", "application/json", Http.noteJson(DemoModel.example("diabetes-follow-up")));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode summary = json.readTree(response.body());
        assertThat(summary.at("/chunks").asInt()).isGreaterThan(1);
        assertThat(summary.at("/raw").asString()).isNotBlank();
        assertThat(summary.at("/sections").propertyNames())
                .containsExactly(
                        "chiefComplaint",
                        "history",
                        "medications",
                        "allergies",
                        "assessment",
                        "plan",
                        "followUp",
                        "other");
        assertThat(summary.at("/disclaimer").asString()).isEqualTo(dev.med42.chat.Disclaimer.DEFAULT_TEXT);
        assertThat(summary.at("/raw").asString()).doesNotContain(dev.med42.chat.Disclaimer.DEFAULT_TEXT);
        assertThat(summary.at("/model/demo").asBoolean()).isTrue();
    }

    @Test
    void streams_progress_tokens_and_the_summary_as_server_sent_events() throws Exception {
        HttpResponse<String> response = http.postJson(
                "/api/summaries/stream", "text/event-stream", Http.noteJson(DemoModel.example("post-op-discharge")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        List<String> names = new ArrayList<>();
        List<JsonNode> progress = new ArrayList<>();
        StringBuilder tokens = new StringBuilder();
        JsonNode summary = null;
        Matcher events = EVENT.matcher(response.body());
        int end = 0;
        while (events.find()) {
            assertThat(events.start()).as("events follow each other").isEqualTo(end);
            end = events.end();
            names.add(events.group(1));
            JsonNode data = json.readTree(events.group(2));
            switch (events.group(1)) {
                case "progress" -> progress.add(data);
                case "token" -> tokens.append(data.at("/text").asString());
                case "summary" -> summary = data;
                default -> throw new AssertionError("unexpected event " + events.group(1) + ": " + data);
            }
        }
        assertThat(end)
                .as("nothing after the last event")
                .isEqualTo(response.body().length());

        int parts = progress.getFirst().at("/parts").asInt();
        assertThat(parts).isGreaterThan(1);
        assertThat(progress.getFirst().at("/phase").asString()).isEqualTo("summarizing");
        assertThat(progress.getLast().at("/phase").asString()).isEqualTo("merging");
        assertThat(progress.getLast().at("/last").asBoolean()).isTrue();
        assertThat(progress.getLast().at("/step").asInt())
                .isEqualTo(progress.getLast().at("/steps").asInt());
        assertThat(names.getLast()).isEqualTo("summary");
        assertThat(names.stream().filter("token"::equals).count()).isGreaterThan(parts);
        assertThat(summary).isNotNull();
        assertThat(summary.at("/chunks").asInt()).isEqualTo(parts);
        assertThat(tokens.toString()).endsWith(summary.at("/raw").asString());
    }

    @Test
    void serves_the_page_and_the_synthetic_examples() throws Exception {
        HttpResponse<String> page = http.get("/");
        HttpResponse<String> example = http.get("/examples/paediatric-asthma.txt");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>Patient note summarizer · Med42</title>");
        assertThat(example.statusCode()).isEqualTo(200);
        assertThat(example.body()).startsWith("SYNTHETIC EXAMPLE NOTE");
    }

    @Test
    void reports_the_model_up_on_the_health_endpoint() throws Exception {
        HttpResponse<String> health = http.get("/actuator/health");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"med42\":{\"status\":\"UP\"}").doesNotContain(".gguf");
    }
}
