package dev.med42.spring.autoconfigure.server;

import dev.med42.generate.GenerationResult;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** OpenAI's token usage: the whole prompt (a reused prefix included) and the generated tokens. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record Usage(int promptTokens, int completionTokens, int totalTokens) {
    static Usage of(GenerationResult result) {
        return new Usage(
                result.promptTokens(), result.generatedTokens(), result.promptTokens() + result.generatedTokens());
    }
}
