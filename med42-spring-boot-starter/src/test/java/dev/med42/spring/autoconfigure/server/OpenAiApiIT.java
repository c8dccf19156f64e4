package dev.med42.spring.autoconfigure.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.med42.chat.Disclaimer;
import java.net.http.HttpResponse;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** What the endpoints answer: the shapes of completions, the model list, health and metrics. */
class OpenAiApiIT extends ServerIT {

    @Test
    void answers_a_chat_completion_with_usage_and_the_disclaimer_after_the_answer() throws Exception {
        HttpResponse<String> response =
                http.post("/v1/chat/completions", chat("\"max_tokens\": 8, \"temperature\": 0"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode body = json.readTree(response.body());
        assertThat(body.get("id").stringValue()).matches("chatcmpl-[0-9a-f]{24}");
        assertThat(body.get("object").stringValue()).isEqualTo("chat.completion");
        assertThat(body.get("created").longValue()).isPositive();
        assertThat(body.get("model").stringValue()).isEqualTo("llama"); // the test model's general.name
        JsonNode choice = body.get("choices").get(0);
        assertThat(choice.get("index").intValue()).isZero();
        assertThat(choice.get("message").get("role").stringValue()).isEqualTo("assistant");
        assertThat(choice.get("message").get("content").stringValue()).endsWith("\n\n" + Disclaimer.DEFAULT_TEXT);
        assertThat(choice.get("logprobs").isNull()).isTrue();
        assertThat(choice.get("finish_reason").stringValue()).isEqualTo("length");
        JsonNode usage = body.get("usage");
        assertThat(usage.get("completion_tokens").intValue()).isEqualTo(8);
        assertThat(usage.get("prompt_tokens").intValue()).isGreaterThan(10);
        assertThat(usage.get("total_tokens").intValue())
                .isEqualTo(usage.get("prompt_tokens").intValue() + 8);
        assertThat(body.get("disclaimer").stringValue()).isEqualTo(Disclaimer.DEFAULT_TEXT);
    }

    @Test
    void reads_content_parts_and_tolerates_fields_it_does_not_know() throws Exception {
        HttpResponse<String> response = http.post("/v1/chat/completions", """
                {"model": "gpt-4o", "messages": [
                   {"role": "developer", "content": "Be brief."},
                   {"role": "user", "content": [{"type": "text", "text": "What is"}, {"type": "text", "text": "a fever?"}]}],
                 "max_completion_tokens": 3, "user": "ward-7", "metadata": {"a": 1}, "parallel_tool_calls": false,
                 "tools": [], "response_format": {"type": "text"}, "n": 1, "stream": false}""");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json.readTree(response.body())
                        .get("usage")
                        .get("completion_tokens")
                        .intValue())
                .isEqualTo(3);
    }

    @Test
    void reads_json_whatever_content_type_it_is_declared_with() throws Exception {
        HttpResponse<String> form = http.post(
                "/v1/completions",
                "{\"prompt\": \"Once\", \"max_tokens\": 2}",
                "Content-Type",
                "application/x-www-form-urlencoded"); // what curl -d says

        assertThat(form.statusCode()).as(form.body()).isEqualTo(200);
    }

    @Test
    void stops_at_a_stop_string_and_leaves_it_out() throws Exception {
        String text = completionText("\"max_tokens\": 24, \"temperature\": 0");
        String stop = text.substring(6, 9);

        JsonNode stopped = json.readTree(http.post(
                        "/v1/completions",
                        "{\"prompt\": \"Once upon a time\", \"max_tokens\": 24, \"temperature\": 0, \"stop\": [\""
                                + stop + "\", \"zzzz\"]}")
                .body());

        JsonNode choice = stopped.get("choices").get(0);
        assertThat(choice.get("text").stringValue()).isEqualTo(text.substring(0, text.indexOf(stop)));
        assertThat(choice.get("finish_reason").stringValue()).isEqualTo("stop");
    }

    @Test
    void repeats_a_sampled_completion_with_the_same_seed() throws Exception {
        String parameters = "\"max_tokens\": 12, \"temperature\": 1.0, \"seed\": 42";

        assertThat(completionText(parameters)).isEqualTo(completionText(parameters));
    }

    @Test
    void answers_a_text_completion_with_sixteen_tokens_by_default_and_echoes_the_prompt() throws Exception {
        JsonNode body = json.readTree(
                http.post("/v1/completions", "{\"model\": \"med42\", \"prompt\": \"Once upon a time\", \"echo\": true}")
                        .body());

        assertThat(body.get("id").stringValue()).matches("cmpl-[0-9a-f]{24}");
        assertThat(body.get("object").stringValue()).isEqualTo("text_completion");
        assertThat(body.get("model").stringValue()).isEqualTo("llama");
        JsonNode choice = body.get("choices").get(0);
        assertThat(choice.get("text").stringValue())
                .startsWith("Once upon a time")
                .doesNotContain("Disclaimer");
        assertThat(body.get("usage").get("completion_tokens").intValue()).isEqualTo(16);
        assertThat(choice.get("finish_reason").stringValue()).isEqualTo("length");
    }

    @Test
    void reads_a_null_max_tokens_as_no_limit_but_the_context_as_vllm_and_llama_cpp_do() throws Exception {
        String sixteen = completionText("\"temperature\": 0");
        String longer = completionText("\"max_tokens\": 48, \"temperature\": 0");
        // A stop string whose first occurrence lies past the default 16 tokens ends the answer well before the context.
        String stop = IntStream.range(sixteen.length() + 1, longer.length() - 3)
                .mapToObj(i -> longer.substring(i, i + 3))
                .filter(candidate -> longer.indexOf(candidate) > sixteen.length())
                .findFirst()
                .orElseThrow();

        JsonNode body = json.readTree(http.post(
                        "/v1/completions",
                        "{\"prompt\": \"Once upon a time\", \"max_tokens\": null, \"temperature\": 0, \"stop\": "
                                + json.writeValueAsString(stop) + "}")
                .body());

        JsonNode choice = body.get("choices").get(0);
        assertThat(choice.get("text").stringValue()).isEqualTo(longer.substring(0, longer.indexOf(stop)));
        assertThat(choice.get("finish_reason").stringValue()).isEqualTo("stop");
        assertThat(body.get("usage").get("completion_tokens").intValue()).isGreaterThan(16);
    }

    @Test
    void reads_top_k_minus_one_as_off_as_vllm_and_llama_cpp_do() throws Exception {
        String sampled = "\"max_tokens\": 12, \"temperature\": 1.5, \"seed\": 42, \"top_p\": 1, \"min_p\": 0";

        assertThat(completionText(sampled + ", \"top_k\": -1")).isEqualTo(completionText(sampled + ", \"top_k\": 0"));
    }

    @Test
    void takes_a_prompt_of_token_ids() throws Exception {
        JsonNode body = json.readTree(http.post("/v1/completions", "{\"prompt\": [[1, 400, 401]], \"max_tokens\": 2}")
                .body());

        assertThat(body.get("usage").get("prompt_tokens").intValue()).isEqualTo(3);
    }

    @Test
    void lists_the_model() throws Exception {
        HttpResponse<String> response = http.get("/v1/models");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json.readTree(response.body());
        assertThat(body.get("object").stringValue()).isEqualTo("list");
        JsonNode model = body.get("data").get(0);
        assertThat(model.get("id").stringValue()).isEqualTo("llama");
        assertThat(model.get("object").stringValue()).isEqualTo("model");
        assertThat(model.get("owned_by").stringValue()).isEqualTo("med42");
        assertThat(model.get("created").longValue()).isPositive();
    }

    @Test
    void retrieves_the_model_by_its_id_and_no_other() throws Exception {
        HttpResponse<String> model = http.get("/v1/models/llama");
        HttpResponse<String> other = http.get("/v1/models/gpt-4o");

        assertThat(model.statusCode()).isEqualTo(200);
        assertThat(json.readTree(model.body()).get("id").stringValue()).isEqualTo("llama");
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(json.readTree(other.body()).get("error").get("code").stringValue())
                .isEqualTo("model_not_found");
    }

    @Test
    void is_healthy_once_loaded() throws Exception {
        HttpResponse<String> response = http.get("/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"status\":\"ok\"}");
        assertThat(http.get("/v1/health").body()).isEqualTo("{\"status\":\"ok\"}");
    }

    @Test
    void publishes_llama_cpp_metrics_in_prometheus_format() throws Exception {
        long before = metric(http.get("/metrics").body(), "llamacpp:tokens_predicted_total");
        http.post("/v1/completions", "{\"prompt\": \"Once\", \"max_tokens\": 5, \"temperature\": 0}");

        HttpResponse<String> response = http.get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain;version=0.0.4;charset=utf-8");
        assertThat(response.body())
                .contains("# HELP llamacpp:prompt_tokens_total Number of prompt tokens processed.\n"
                        + "# TYPE llamacpp:prompt_tokens_total counter\n")
                .contains("# TYPE llamacpp:prompt_seconds_total counter\n")
                .contains("# TYPE llamacpp:tokens_predicted_seconds_total counter\n")
                .contains("# TYPE llamacpp:prompt_tokens_seconds gauge\n")
                .contains("# TYPE llamacpp:predicted_tokens_seconds gauge\n")
                .contains("\nllamacpp:requests_processing 0\n")
                .contains("\nllamacpp:requests_deferred 0\n");
        assertThat(metric(response.body(), "llamacpp:tokens_predicted_total")).isEqualTo(before + 5);
    }

    @Test
    void answers_an_unknown_route_with_an_openai_error() throws Exception {
        HttpResponse<String> unknown = http.get("/v1/embeddings");
        HttpResponse<String> wrongMethod = http.get("/v1/chat/completions");

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json.readTree(unknown.body()).get("error").get("message").stringValue())
                .isEqualTo("Invalid URL (GET /v1/embeddings)");
        assertThat(wrongMethod.statusCode()).isEqualTo(404);
        assertThat(json.readTree(wrongMethod.body()).get("error").get("type").stringValue())
                .isEqualTo("invalid_request_error");
    }

    private String completionText(String parameters) throws Exception {
        return json.readTree(http.post("/v1/completions", "{\"prompt\": \"Once upon a time\", " + parameters + "}")
                        .body())
                .get("choices")
                .get(0)
                .get("text")
                .stringValue();
    }

    static long metric(String metrics, String name) {
        return metrics.lines()
                .filter(line -> line.startsWith(name + " "))
                .mapToLong(line -> Long.parseLong(line.substring(name.length() + 1)))
                .findFirst()
                .orElseThrow();
    }
}
