package dev.med42.samples.summarizer;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The summarizer's own settings, under {@code summarizer.*}; the model and its sampling are the starter's
 * {@code med42.*}.
 *
 * @param maxNoteSize the largest note accepted, in UTF-8 bytes; a larger one is refused with 413
 * @param concurrency how many summaries run at once (each takes the model's sessions in turn)
 * @param queueCapacity how many more may wait for their turn; beyond that a request is refused with 429
 * @param retryAfter what {@code Retry-After} tells a refused client (429 when busy, 503 while the model is not ready)
 * @param streamTimeout how long a streamed summary may take before the stream is closed
 */
@ConfigurationProperties("summarizer")
public record SummarizerProperties(
        @DefaultValue("100KB") DataSize maxNoteSize,
        @DefaultValue("1") int concurrency,
        @DefaultValue("2") int queueCapacity,
        @DefaultValue("30s") Duration retryAfter,
        @DefaultValue("60m") Duration streamTimeout) {

    public SummarizerProperties {
        if (maxNoteSize.toBytes() < 1) {
            throw new IllegalArgumentException("summarizer.max-note-size must be positive");
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("summarizer.concurrency must be at least 1");
        }
        if (queueCapacity < 0) {
            throw new IllegalArgumentException("summarizer.queue-capacity must be 0 or more");
        }
    }
}
