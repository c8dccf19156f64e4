package dev.med42.spring.autoconfigure.server;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The JSON of {@code POST /v1/chat/completions}, as OpenAI defines it, with llama.cpp's sampler extras. Fields are
 * written in OpenAI's order; unknown request fields are ignored, as OpenAI-compatible servers do.
 */
final class ChatApi {
    private ChatApi() {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Request(
            String model,
            List<Message> messages,
            Integer maxTokens,
            Integer maxCompletionTokens,
            Double temperature,
            Double topP,
            Integer n,
            JsonNode stop,
            Long seed,
            Double frequencyPenalty,
            Double presencePenalty,
            Boolean stream,
            StreamOptions streamOptions,
            Boolean logprobs,
            Integer topLogprobs,
            JsonNode tools,
            JsonNode responseFormat,
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

    /** A message; {@code content} is a string or an array of parts. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Message(String role, JsonNode content) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record StreamOptions(Boolean includeUsage) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"id", "object", "created", "model", "choices", "usage", "disclaimer"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Response(
            String id,
            String object,
            long created,
            String model,
            List<Choice> choices,
            Usage usage,
            String disclaimer) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"index", "message", "logprobs", "finish_reason"})
    record Choice(int index, AnswerMessage message, Logprobs logprobs, String finishReason) {}

    record AnswerMessage(String role, String content) {}

    /**
     * A streamed chunk. {@code usage} is absent without {@code stream_options.include_usage}; with it, null on every
     * chunk but the last, as OpenAI sends it: an empty {@link Optional} is written as null, a null one not at all.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"id", "object", "created", "model", "choices", "usage", "disclaimer"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Chunk(
            String id,
            String object,
            long created,
            String model,
            List<ChunkChoice> choices,
            Optional<Usage> usage,
            String disclaimer) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"index", "delta", "logprobs", "finish_reason"})
    record ChunkChoice(int index, Delta delta, Logprobs logprobs, String finishReason) {}

    /** What a chunk adds to the message: the role first, then content; empty on the finish chunk. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Delta(String role, String content) {}

    record Logprobs(List<TokenLogprob> content) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"token", "logprob", "bytes", "top_logprobs"})
    record TokenLogprob(String token, double logprob, List<Integer> bytes, List<TopLogprob> topLogprobs) {}

    @JsonPropertyOrder({"token", "logprob", "bytes"})
    record TopLogprob(String token, double logprob, List<Integer> bytes) {}
}
