package dev.med42.spring.autoconfigure.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.med42.model.KVCacheType;
import dev.med42.model.LlamaModel;
import dev.med42.model.LlamaSession;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Log probabilities as evaluation harnesses read them: {@code echo} with {@code logprobs} on completions scores the
 * prompt, and every value is the log-softmax of the model's own logits, computed here independently.
 */
class LogprobsIT extends ServerIT {
    private static final String PROMPT = "Once upon a time, there was a little girl";

    @Test
    void scores_every_prompt_token_but_the_first_with_echo_and_no_generation() throws Exception {
        JsonNode choice = json.readTree(http.post(
                                "/v1/completions",
                                "{\"prompt\": \"" + PROMPT + "\", \"max_tokens\": 0, \"echo\": true, \"logprobs\": 3}")
                        .body())
                .get("choices")
                .get(0);

        LlamaModel model = served.ready().model();
        int[] tokens = model.tokenizer().encode(PROMPT, true, true);
        float[][] logits;
        try (LlamaSession session = model.newSession(64, KVCacheType.F16)) {
            logits = session.evaluate(tokens, true);
        }
        assertThat(choice.get("text").stringValue()).isEqualTo(PROMPT);
        JsonNode logprobs = choice.get("logprobs");
        assertThat(logprobs.get("tokens")).hasSize(tokens.length);
        assertThat(logprobs.get("tokens").get(0).stringValue()).isEqualTo("<s>");
        assertThat(logprobs.get("token_logprobs").get(0).isNull()).isTrue();
        assertThat(logprobs.get("top_logprobs").get(0).isNull()).isTrue();
        for (int i = 1; i < tokens.length; i++) {
            assertThat(logprobs.get("token_logprobs").get(i).doubleValue())
                    .as("token %d", i)
                    .isCloseTo(logSoftmax(logits[i - 1], tokens[i]), within(1e-5));
            assertThat(logprobs.get("top_logprobs").get(i).size()).isBetween(1, 3);
        }
        List<Integer> offsets = new ArrayList<>();
        logprobs.get("text_offset").forEach(offset -> offsets.add(offset.intValue()));
        assertThat(offsets).hasSize(tokens.length).isSorted().startsWith(0, 0);
        assertThat(PROMPT.substring(offsets.get(2))).startsWith(" upon"); // <s>, "Once", " upon"
    }

    @Test
    void gives_each_greedy_token_the_best_log_probability_of_its_position() throws Exception {
        JsonNode logprobs = json.readTree(http.post(
                                "/v1/completions",
                                "{\"prompt\": \"" + PROMPT + "\", \"max_tokens\": 5, \"temperature\": 0,"
                                        + " \"logprobs\": 2}")
                        .body())
                .get("choices")
                .get(0)
                .get("logprobs");

        assertThat(logprobs.get("tokens")).hasSize(5);
        for (int i = 0; i < 5; i++) {
            JsonNode top = logprobs.get("top_logprobs").get(i);
            double best = top.values().stream()
                    .mapToDouble(JsonNode::doubleValue)
                    .max()
                    .orElseThrow();
            assertThat(logprobs.get("token_logprobs").get(i).doubleValue()).isEqualTo(best);
            assertThat(top.has(logprobs.get("tokens").get(i).stringValue())).isTrue();
        }
    }

    @Test
    void gives_chat_tokens_their_log_probabilities_and_bytes() throws Exception {
        JsonNode body = json.readTree(http.post(
                        "/v1/chat/completions",
                        chat("\"max_tokens\": 4, \"temperature\": 0, \"logprobs\": true, \"top_logprobs\": 2"))
                .body());

        JsonNode content = body.get("choices").get(0).get("logprobs").get("content");
        assertThat(content).hasSize(body.get("usage").get("completion_tokens").intValue());
        for (JsonNode token : content) {
            assertThat(token.propertyNames()).containsExactly("token", "logprob", "bytes", "top_logprobs");
            assertThat(token.get("logprob").doubleValue()).isLessThanOrEqualTo(0);
            assertThat(token.get("top_logprobs")).hasSize(2);
            assertThat(token.get("top_logprobs").get(0).get("logprob").doubleValue())
                    .isEqualTo(token.get("logprob").doubleValue());
            byte[] bytes = new byte[token.get("bytes").size()];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) token.get("bytes").get(i).intValue();
            }
            assertThat(new String(bytes, java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo(token.get("token").stringValue());
        }
    }

    @Test
    void streams_chat_log_probabilities_with_the_text_they_belong_to() throws Exception {
        List<String> events = StreamFormatIT.events(http.post(
                        "/v1/chat/completions",
                        chat("\"stream\": true, \"max_tokens\": 4, \"temperature\": 0, \"logprobs\": true"))
                .body());

        int tokens = 0;
        for (String event : events) {
            JsonNode logprobs = json.readTree(event).get("choices").get(0).get("logprobs");
            tokens += logprobs.isNull() ? 0 : logprobs.get("content").size();
        }
        assertThat(tokens).isEqualTo(4);
    }

    private static double logSoftmax(float[] logits, int token) {
        double max = Double.NEGATIVE_INFINITY;
        for (float logit : logits) {
            max = Math.max(max, logit);
        }
        double sum = 0;
        for (float logit : logits) {
            sum += Math.exp(logit - max);
        }
        return logits[token] - max - Math.log(sum);
    }
}
