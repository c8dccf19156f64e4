package dev.med42.spring.autoconfigure.server;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The JSON of {@code POST /v1/completions} (OpenAI's legacy completions, which evaluation harnesses score with {@code
 * echo} and {@code logprobs}), with llama.cpp's sampler extras, written in OpenAI's field order.
 */
final class CompletionApi {
    private CompletionApi() {}

    /** {@code prompt} is a string, an array of one string, an array of token ids, or an array of one such array. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Request(
            String model,
            JsonNode prompt,
            JsonNode maxTokens, // absent and null mean different things: see CompletionsController
            Double temperature,
            Double topP,
            Integer n,
            JsonNode stop,
            Long seed,
            Double frequencyPenalty,
            Double presencePenalty,
            Boolean stream,
            ChatApi.StreamOptions streamOptions,
            Integer logprobs,
            Boolean echo,
            Integer topK,
            Double minP,
            Double repeatPenalty,
            Integer repeatLastN) {

        SamplingRequest sampling() {
            return new SamplingRequest(
                    temperature,
                    topP,
                    topK,
                    minP,
                    repeatPenalty,
                    repeatLastN,
                    frequencyPenalty,
                    presencePenalty,
                    seed,
                    stop);
        }
    }

    /** A response, and (with an {@link Optional} usage, see {@link ChatApi.Chunk}) a streamed chunk. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"id", "object", "created", "choices", "model", "usage"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Response(
            String id, String object, long created, List<Choice> choices, String model, Optional<Usage> usage) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"text", "index", "logprobs", "finish_reason"})
    record Choice(String text, int index, Logprobs logprobs, String finishReason) {}

    /** Per token: its text, log probability, the most likely alternatives and its offset in the choice's text. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"tokens", "token_logprobs", "top_logprobs", "text_offset"})
    record Logprobs(
            List<String> tokens,
            List<Double> tokenLogprobs,
            List<Map<String, Double>> topLogprobs,
            List<Integer> textOffset) {}
}
