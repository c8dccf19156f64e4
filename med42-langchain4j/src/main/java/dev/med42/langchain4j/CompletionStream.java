package dev.med42.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import dev.med42.generate.Timings;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One completion as the chunks of a {@code /v1/completions} stream build it up: the text, passed on piece by piece,
 * the finish reason, the usage and, from llama.cpp's server, the timings. It reads what the servers send: vLLM's
 * usage in a last chunk of its own with {@code "choices": []}, llama.cpp's in the finish chunk itself, {@code
 * "choices": null} or missing fields as nothing. A whole (unstreamed) response reads as one chunk. Not thread-safe.
 */
final class CompletionStream {
    private final Consumer<String> pieces;
    private final StringBuilder text = new StringBuilder();
    private String id;
    private String model;
    private FinishReason finishReason;
    private TokenUsage usage;
    private Timings timings;

    CompletionStream(Consumer<String> pieces) {
        this.pieces = pieces;
    }

    void accept(JsonNode chunk) {
        if (id == null && chunk.path("id").isTextual()) {
            id = chunk.get("id").textValue();
        }
        if (model == null && chunk.path("model").isTextual()) {
            model = chunk.get("model").textValue();
        }
        for (JsonNode choice : chunk.path("choices")) {
            if (choice.path("index").asInt(0) != 0) {
                continue; // one choice is asked for
            }
            String piece = choice.path("text").textValue();
            if (piece != null && !piece.isEmpty()) {
                text.append(piece);
                pieces.accept(piece);
            }
            if (choice.path("finish_reason").isTextual()) {
                finishReason = finishReason(choice.get("finish_reason").textValue());
            }
        }
        JsonNode u = chunk.path("usage");
        if (u.isObject()) {
            usage = new TokenUsage(
                    integer(u, "prompt_tokens"), integer(u, "completion_tokens"), integer(u, "total_tokens"));
        }
        JsonNode t = chunk.path("timings");
        if (t.path("prompt_n").canConvertToInt() && t.path("predicted_n").canConvertToInt()) {
            timings = new Timings(
                    t.get("prompt_n").intValue(),
                    (long) (t.path("prompt_ms").asDouble() * 1e6),
                    t.get("predicted_n").intValue(),
                    (long) (t.path("predicted_ms").asDouble() * 1e6));
        }
    }

    private static Integer integer(JsonNode node, String field) {
        return node.path(field).canConvertToInt() ? node.get(field).intValue() : null;
    }

    static FinishReason finishReason(String reason) {
        return switch (reason) {
            case "stop" -> FinishReason.STOP;
            case "length" -> FinishReason.LENGTH;
            case "content_filter" -> FinishReason.CONTENT_FILTER;
            default -> FinishReason.OTHER;
        };
    }

    /** Whether a finish reason has come: the answer is whole. */
    boolean finished() {
        return finishReason != null;
    }

    /** The answer so far; {@code requested} names the model when the server did not. */
    Answer answer(String requested) {
        return new Answer(
                id != null ? id : UUID.randomUUID().toString(),
                model != null ? model : requested,
                text.toString(),
                usage,
                finishReason,
                timings);
    }
}
