package dev.med42.generate;

import dev.med42.sampling.SamplingParameters;
import java.util.List;
import java.util.Objects;

/**
 * What to generate and when to stop.
 *
 * @param sampling how each token is chosen
 * @param maxTokens the most tokens to generate; -1 for no limit but the context
 * @param stopStrings text that ends the generation when it appears (it is left out of the result)
 */
public record GenerationOptions(SamplingParameters sampling, int maxTokens, List<String> stopStrings) {

    public GenerationOptions {
        Objects.requireNonNull(sampling, "sampling");
        if (maxTokens < -1) {
            throw new IllegalArgumentException("maxTokens must be -1 (no limit) or at least 0, got " + maxTokens);
        }
        stopStrings = List.copyOf(stopStrings);
    }

    /** llama.cpp's defaults, no token limit and no stop strings. */
    public static GenerationOptions defaults() {
        return new GenerationOptions(SamplingParameters.defaults(), -1, List.of());
    }

    public GenerationOptions withSampling(SamplingParameters sampling) {
        return new GenerationOptions(sampling, maxTokens, stopStrings);
    }

    public GenerationOptions withMaxTokens(int maxTokens) {
        return new GenerationOptions(sampling, maxTokens, stopStrings);
    }

    public GenerationOptions withStopStrings(List<String> stopStrings) {
        return new GenerationOptions(sampling, maxTokens, stopStrings);
    }
}
