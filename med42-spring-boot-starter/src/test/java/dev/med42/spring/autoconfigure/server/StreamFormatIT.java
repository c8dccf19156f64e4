package dev.med42.spring.autoconfigure.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.med42.chat.Disclaimer;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The bytes of the server's event streams against OpenAI's, recorded (see {@code src/test/resources/openai}), and the
 * streamed text against the text of the same request unstreamed.
 */
class StreamFormatIT extends ServerIT {

    @Test
    void streams_a_chat_completion_as_openai_does() throws Exception {
        HttpResponse<String> response =
                http.post("/v1/chat/completions", chat("\"stream\": true, \"max_tokens\": 6, \"temperature\": 0"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(normalise(response.body())).isEqualTo(normalise(golden("chat-stream.txt")));
    }

    @Test
    void streams_a_chat_completion_with_usage_as_openai_does() throws Exception {
        HttpResponse<String> response = http.post(
                "/v1/chat/completions",
                chat("\"stream\": true, \"stream_options\": {\"include_usage\": true}, \"max_tokens\": 6"));

        assertThat(normalise(response.body())).isEqualTo(normalise(golden("chat-stream-include-usage.txt")));
        JsonNode usage = json.readTree(events(response.body()).getLast()).get("usage");
        assertThat(usage.get("completion_tokens").intValue()).isEqualTo(6);
    }

    @Test
    void streams_a_text_completion_as_openai_does() throws Exception {
        HttpResponse<String> response =
                http.post("/v1/completions", "{\"prompt\": \"Once upon a time\", \"stream\": true, \"max_tokens\": 6}");

        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        assertThat(normalise(response.body())).isEqualTo(normalise(golden("completion-stream.txt")));
    }

    @Test
    void streams_a_text_completion_with_usage_as_openai_does() throws Exception {
        HttpResponse<String> response = http.post(
                "/v1/completions",
                "{\"prompt\": \"Once upon a time\", \"stream\": true, \"stream_options\": {\"include_usage\": true},"
                        + " \"max_tokens\": 6}");

        assertThat(normalise(response.body())).isEqualTo(normalise(golden("completion-stream-include-usage.txt")));
    }

    @Test
    void streams_the_text_it_answers_with_the_disclaimer_as_the_last_content_chunk() throws Exception {
        String parameters = "\"max_tokens\": 10, \"temperature\": 0";
        String answer = json.readTree(
                        http.post("/v1/chat/completions", chat(parameters)).body())
                .get("choices")
                .get(0)
                .get("message")
                .get("content")
                .stringValue();

        List<String> events = events(http.post("/v1/chat/completions", chat("\"stream\": true, " + parameters))
                .body());

        StringBuilder streamed = new StringBuilder();
        List<String> contents = new ArrayList<>();
        for (String event : events) {
            JsonNode delta = json.readTree(event).get("choices").get(0).get("delta");
            if (delta.has("content")) {
                streamed.append(delta.get("content").stringValue());
                contents.add(delta.get("content").stringValue());
            }
        }
        assertThat(streamed).hasToString(answer);
        assertThat(contents.getLast()).isEqualTo("\n\n" + Disclaimer.DEFAULT_TEXT);
        JsonNode finish = json.readTree(events.getLast());
        assertThat(finish.get("choices").get(0).get("finish_reason").stringValue())
                .isEqualTo("length");
        assertThat(finish.get("disclaimer").stringValue()).isEqualTo(Disclaimer.DEFAULT_TEXT);
    }

    @Test
    void streams_the_text_a_text_completion_answers() throws Exception {
        String request = "{\"prompt\": \"Once upon a time\", \"max_tokens\": 10, \"temperature\": 0, \"echo\": true";
        String text = json.readTree(http.post("/v1/completions", request + "}").body())
                .get("choices")
                .get(0)
                .get("text")
                .stringValue();

        StringBuilder streamed = new StringBuilder();
        for (String event : events(
                http.post("/v1/completions", request + ", \"stream\": true}").body())) {
            streamed.append(
                    json.readTree(event).get("choices").get(0).get("text").stringValue());
        }

        assertThat(streamed).hasToString(text);
    }

    /** The JSON of each {@code data:} event but {@code [DONE]}. */
    static List<String> events(String stream) {
        return stream.lines()
                .filter(line -> line.startsWith("data: {"))
                .map(line -> line.substring("data: ".length()))
                .toList();
    }

    private static String golden(String name) throws Exception {
        try (InputStream in = StreamFormatIT.class.getResourceAsStream("/openai/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * The stream with the values that differ by nature replaced by placeholders, and each run of content chunks made
     * one; Med42's extra {@code disclaimer} field is taken out.
     */
    static String normalise(String stream) {
        String normalised = stream.replaceAll(",\"disclaimer\":\"(?:[^\"\\\\]|\\\\.)*\"", "")
                .replaceAll("\"id\":\"(chatcmpl|cmpl)-[A-Za-z0-9]+\"", "\"id\":\"$1-<id>\"")
                .replaceAll("\"created\":\\d+", "\"created\":<created>")
                .replaceAll("\"model\":\"[^\"]*\"", "\"model\":\"<model>\"")
                .replaceAll("\"(content|text)\":\"(?:[^\"\\\\]|\\\\.)+\"", "\"$1\":\"<text>\"")
                .replaceAll("\"(prompt_tokens|completion_tokens|total_tokens)\":\\d+", "\"$1\":<n>")
                .replaceAll("\"finish_reason\":\"(stop|length)\"", "\"finish_reason\":\"<reason>\"");
        List<String> events = new ArrayList<>();
        for (String event : normalised.split("(?<=\n\n)")) {
            if (events.isEmpty() || !events.getLast().equals(event) || !event.contains("<text>")) {
                events.add(event);
            }
        }
        return String.join("", events);
    }
}
