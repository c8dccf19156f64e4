package dev.med42.langchain4j;

import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.med42.generate.Timings;
import java.util.Objects;

/**
 * The common response metadata plus the safety disclaimer that goes with the answer. The disclaimer is here
 * whenever it is switched on, wherever it is placed, so that an application can show it apart from the answer; with
 * {@link dev.med42.chat.Disclaimer.Position#METADATA_ONLY} this is the only place it appears.
 */
public class Med42ChatResponseMetadata extends ChatResponseMetadata {
    private final String disclaimer;
    private final Timings timings;

    private Med42ChatResponseMetadata(Builder builder) {
        super(builder);
        this.disclaimer = builder.disclaimer;
        this.timings = builder.timings;
    }

    /** The disclaimer text, or null when the disclaimer is switched off. */
    public String disclaimer() {
        return disclaimer;
    }

    /**
     * How long prompt processing and generation took, with their token counts (tokens per second follow): from the
     * embedded runtime, or from a remote server that reports them (llama.cpp's server does, vLLM does not); else null.
     */
    public Timings timings() {
        return timings;
    }

    @Override
    public Builder toBuilder() {
        return ((Builder) toBuilder(builder())).disclaimer(disclaimer).timings(timings);
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o)
                && Objects.equals(disclaimer, ((Med42ChatResponseMetadata) o).disclaimer)
                && Objects.equals(timings, ((Med42ChatResponseMetadata) o).timings);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), disclaimer, timings);
    }

    @Override
    public String toString() {
        return "Med42ChatResponseMetadata{id='" + id() + "', modelName='" + modelName() + "', tokenUsage="
                + tokenUsage() + ", finishReason=" + finishReason() + ", disclaimer='" + disclaimer + "', timings="
                + timings + "}";
    }

    public static Builder builder() {
        return new Builder();
    }

    public static class Builder extends ChatResponseMetadata.Builder<Builder> {
        private String disclaimer;
        private Timings timings;

        public Builder disclaimer(String disclaimer) {
            this.disclaimer = disclaimer;
            return this;
        }

        public Builder timings(Timings timings) {
            this.timings = timings;
            return this;
        }

        @Override
        public Med42ChatResponseMetadata build() {
            return new Med42ChatResponseMetadata(this);
        }
    }
}
