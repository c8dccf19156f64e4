package dev.med42.langchain4j;

import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import java.util.Objects;

/**
 * The common LangChain4j request parameters plus the llama.cpp sampler settings that LangChain4j has no name for.
 * Like every other parameter they can be model defaults (through the builder) or set per request; a value left
 * {@code null} falls back to the model's default.
 *
 * <p>Meanings and ranges are llama.cpp's ({@code llama-cli} flags in brackets):
 *
 * <ul>
 *   <li>{@code minP} [{@code --min-p}]: keep tokens at least this fraction as likely as the most likely one; 0 =
 *       off.
 *   <li>{@code repeatPenalty} [{@code --repeat-penalty}]: divides the logit of a recently seen token; 1 = off.
 *   <li>{@code repeatLastN} [{@code --repeat-last-n}]: how many recent tokens the penalties look at; 0 = off, -1 =
 *       the whole context.
 *   <li>{@code seed} [{@code --seed}]: the sampler's random seed; -1 = a new random seed for every request.
 * </ul>
 */
public class Med42ChatRequestParameters extends DefaultChatRequestParameters {

    /** No parameter set. */
    public static final Med42ChatRequestParameters EMPTY = builder().build();

    private final Double minP;
    private final Double repeatPenalty;
    private final Integer repeatLastN;
    private final Integer seed;

    private Med42ChatRequestParameters(Builder builder) {
        super(builder);
        this.minP = builder.minP;
        this.repeatPenalty = builder.repeatPenalty;
        this.repeatLastN = builder.repeatLastN;
        this.seed = builder.seed;
    }

    public Double minP() {
        return minP;
    }

    public Double repeatPenalty() {
        return repeatPenalty;
    }

    public Integer repeatLastN() {
        return repeatLastN;
    }

    public Integer seed() {
        return seed;
    }

    @Override
    public Med42ChatRequestParameters overrideWith(ChatRequestParameters that) {
        return builder().overrideWith(this).overrideWith(that).build();
    }

    @Override
    public Med42ChatRequestParameters defaultedBy(ChatRequestParameters that) {
        return builder().overrideWith(that).overrideWith(this).build();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (o == null || getClass() != o.getClass() || !super.equals(o)) {
            return false;
        }
        Med42ChatRequestParameters that = (Med42ChatRequestParameters) o;
        return Objects.equals(minP, that.minP)
                && Objects.equals(repeatPenalty, that.repeatPenalty)
                && Objects.equals(repeatLastN, that.repeatLastN)
                && Objects.equals(seed, that.seed);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), minP, repeatPenalty, repeatLastN, seed);
    }

    @Override
    public String toString() {
        return "Med42ChatRequestParameters{modelName=" + modelName()
                + ", temperature=" + temperature()
                + ", topP=" + topP()
                + ", topK=" + topK()
                + ", minP=" + minP
                + ", frequencyPenalty=" + frequencyPenalty()
                + ", presencePenalty=" + presencePenalty()
                + ", repeatPenalty=" + repeatPenalty
                + ", repeatLastN=" + repeatLastN
                + ", seed=" + seed
                + ", maxOutputTokens=" + maxOutputTokens()
                + ", stopSequences=" + stopSequences()
                + ", toolSpecifications=" + toolSpecifications()
                + ", toolChoice=" + toolChoice()
                + ", responseFormat=" + responseFormat()
                + '}';
    }

    public static Builder builder() {
        return new Builder();
    }

    public static class Builder extends DefaultChatRequestParameters.Builder<Builder> {
        private Double minP;
        private Double repeatPenalty;
        private Integer repeatLastN;
        private Integer seed;

        /** Takes every value that {@code parameters} sets, the Med42 ones too when it has them. */
        @Override
        public Builder overrideWith(ChatRequestParameters parameters) {
            super.overrideWith(parameters);
            if (parameters instanceof Med42ChatRequestParameters med42) {
                minP = med42.minP != null ? med42.minP : minP;
                repeatPenalty = med42.repeatPenalty != null ? med42.repeatPenalty : repeatPenalty;
                repeatLastN = med42.repeatLastN != null ? med42.repeatLastN : repeatLastN;
                seed = med42.seed != null ? med42.seed : seed;
            }
            return this;
        }

        public Builder minP(Double minP) {
            this.minP = minP;
            return this;
        }

        public Builder repeatPenalty(Double repeatPenalty) {
            this.repeatPenalty = repeatPenalty;
            return this;
        }

        public Builder repeatLastN(Integer repeatLastN) {
            this.repeatLastN = repeatLastN;
            return this;
        }

        public Builder seed(Integer seed) {
            this.seed = seed;
            return this;
        }

        @Override
        public Med42ChatRequestParameters build() {
            return new Med42ChatRequestParameters(this);
        }
    }
}
