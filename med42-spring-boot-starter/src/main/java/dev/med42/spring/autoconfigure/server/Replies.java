package dev.med42.spring.autoconfigure.server;

import dev.med42.generate.BatchScheduler;
import dev.med42.generate.GenerationResult;
import dev.med42.generate.StopReason;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * How a generation becomes an HTTP reply, for both endpoints: a JSON body once the result is there, or an event stream
 * as it is generated. Both are asynchronous with no servlet timeout (a long answer takes minutes on a 70B model), and
 * a client that goes away cancels its sequence, which frees its slot.
 */
final class Replies {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Writes finished bodies, so that a slow client never holds up the scheduler's thread. */
    private static final Executor WRITERS = Executors.newVirtualThreadPerTaskExecutor();

    private Replies() {}

    /** An id after OpenAI's: {@code prefix} and 24 random hex digits. */
    static String id(String prefix) {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return prefix + HexFormat.of().formatHex(bytes);
    }

    /** OpenAI's finish reason: {@code stop} for the end of the answer or a stop string, {@code length} otherwise. */
    static String finishReason(StopReason reason) {
        return switch (reason) {
            case EOS, STOP_STRING -> "stop";
            case LENGTH, CONTEXT_FULL -> "length";
            case CANCELLED -> "cancelled"; // seen by no one: the client has gone
        };
    }

    /**
     * The JSON body {@code body} makes of the result. A failure before anything is written goes through the
     * controllers' exception handler, so it gets its own status.
     */
    static ResponseEntity<ResponseBodyEmitter> json(
            BatchScheduler.Request request, JsonMapper json, Function<GenerationResult, Object> body) {
        ResponseBodyEmitter emitter = new ResponseBodyEmitter(0L); // 0: no timeout
        emitter.onError(error -> request.cancel());
        emitter.onTimeout(request::cancel);
        request.result()
                .whenCompleteAsync(
                        (result, failure) -> {
                            if (failure != null) {
                                emitter.completeWithError(unwrap(failure)); // to the exception handler, which logs bugs
                                return;
                            }
                            try {
                                emitter.send(json.writeValueAsBytes(body.apply(result)));
                                emitter.complete();
                            } catch (IOException | IllegalStateException e) {
                                // The client went away; Spring completes the request.
                            } catch (RuntimeException e) {
                                emitter.completeWithError(e);
                            }
                        },
                        WRITERS);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(emitter);
    }

    /** An event stream, as OpenAI sends it: {@code text/event-stream}, not cached. */
    static ResponseEntity<ResponseBodyEmitter> stream(SseStream stream) {
        return ResponseEntity.ok()
                .contentType(MediaType.TEXT_EVENT_STREAM)
                .cacheControl(CacheControl.noCache())
                .body(stream.emitter());
    }

    static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
