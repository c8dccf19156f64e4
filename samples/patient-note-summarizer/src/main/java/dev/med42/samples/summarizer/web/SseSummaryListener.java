package dev.med42.samples.summarizer.web;

import dev.med42.samples.summarizer.summary.Progress;
import dev.med42.samples.summarizer.summary.SummaryListener;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Sends a summary's making as server-sent events, each with a JSON body: {@code progress} when a step starts,
 * {@code token} for each piece of text, then {@code summary} with the result or {@code error} with a problem
 * detail, and the stream ends. A client that goes away cancels the summary.
 */
final class SseSummaryListener implements SummaryListener {
    private final SseEmitter emitter;
    private volatile boolean cancelled;

    /** A progress event's body: the phase in lower case, as the page reads it. */
    record ProgressEvent(String phase, int step, int steps, int part, int parts, boolean last) {
        static ProgressEvent of(Progress progress) {
            return new ProgressEvent(
                    progress.phase().name().toLowerCase(Locale.ROOT),
                    progress.step(),
                    progress.steps(),
                    progress.part(),
                    progress.parts(),
                    progress.last());
        }
    }

    SseSummaryListener(SseEmitter emitter) {
        this.emitter = emitter;
        emitter.onTimeout(() -> cancelled = true);
        emitter.onError(error -> cancelled = true);
    }

    @Override
    public void onProgress(Progress progress) {
        send("progress", ProgressEvent.of(progress));
    }

    @Override
    public void onToken(String text) {
        send("token", Map.of("text", text));
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    /** Sends the result and ends the stream. */
    void complete(SummaryResponse summary) {
        send("summary", summary);
        emitter.complete();
    }

    /** Sends the problem and ends the stream. */
    void fail(ProblemDetail problem) {
        send("error", problem);
        emitter.complete();
    }

    private void send(String event, Object body) {
        if (cancelled) {
            return;
        }
        try {
            emitter.send(SseEmitter.event().name(event).data(body, MediaType.APPLICATION_JSON));
        } catch (IOException | IllegalStateException e) {
            cancelled = true; // the client has gone: stop summarizing for it
        }
    }
}
