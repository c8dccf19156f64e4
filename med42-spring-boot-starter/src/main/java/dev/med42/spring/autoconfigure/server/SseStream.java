package dev.med42.spring.autoconfigure.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * A server-sent event stream in OpenAI's framing: {@code data: {json}\n\n} per chunk, {@code data: [DONE]\n\n} at the
 * end. Spring's {@code SseEmitter} writes {@code data:} without the space, so the bytes are written here.
 *
 * <p>The generation calls {@link #send} on the scheduler's thread, which must never wait for a slow client: events
 * go to a queue, and a virtual thread of this stream writes them. A write that fails means the client went away:
 * the disconnect callback runs (cancelling the generation) and later events are dropped.
 */
final class SseStream {
    private static final byte[] END = new byte[0];
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);

    private final JsonMapper json;
    private final ResponseBodyEmitter emitter = new ResponseBodyEmitter(0L); // 0: no timeout, generations run long
    private final BlockingQueue<byte[]> events = new LinkedBlockingQueue<>();
    private final AtomicBoolean disconnected = new AtomicBoolean();
    private volatile Runnable onDisconnect = () -> {};

    SseStream(JsonMapper json) {
        this.json = json;
        emitter.onError(error -> disconnected());
        emitter.onTimeout(this::disconnected);
    }

    /** The emitter to return from the handler; its writer starts now, so a stream never returned leaves nothing. */
    ResponseBodyEmitter emitter() {
        Thread.ofVirtual().name("med42-sse").start(this::write);
        return emitter;
    }

    /** Runs {@code action} when the client goes away (at once if it has gone already). */
    void onDisconnect(Runnable action) {
        onDisconnect = action;
        if (disconnected.get()) {
            action.run();
        }
    }

    /** Queues one chunk. */
    void send(Object chunk) {
        if (!disconnected.get()) {
            events.add(("data: " + json.writeValueAsString(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Queues {@code data: [DONE]} and ends the stream. */
    void done() {
        events.add(DONE);
        events.add(END);
    }

    /** Ends the stream with an error event (the headers, 200, are gone already), as OpenAI does. */
    void fail(ApiException failure) {
        send(failure.body());
        events.add(END);
    }

    private void write() {
        try {
            for (byte[] event = events.take(); event != END; event = events.take()) {
                emitter.send(event);
            }
            emitter.complete();
        } catch (IOException | IllegalStateException e) {
            // The client closed the connection; Spring completes the request itself.
            disconnected();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            emitter.complete();
        }
    }

    private void disconnected() {
        if (disconnected.compareAndSet(false, true)) {
            onDisconnect.run();
        }
    }
}
