package dev.med42.langchain4j;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Med42 as a LangChain4j {@link StreamingChatModel}, running in this JVM or on a remote server (see the builder's
 * {@code baseUrl}): the answer arrives token by token on a thread of its own, then exactly one {@code onCompleteResponse} or {@code onError}. The disclaimer arrives as one
 * more partial response after the last token (or as the first one, when it goes before the answer), so that the
 * partial responses always add up to the complete response's text.
 *
 * <p>The {@link StreamingHandle} in each partial response's context cancels the stream: generation stops before
 * the next token, its session goes back to the pool (a remote stream's connection is closed, which stops the
 * server's generation too), and no callback follows. Exceptions thrown by the handler's
 * {@code onPartialResponse} or {@code onCompleteResponse} are passed to its {@code onError}, as LangChain4j
 * specifies; those thrown by {@code onError} are logged and ignored.
 *
 * <p>Thread-safe, like {@link Med42ChatModel}.
 */
public class Med42StreamingChatModel extends Med42BaseChatModel implements StreamingChatModel {
    private static final Logger log = LoggerFactory.getLogger(Med42StreamingChatModel.class);

    private final Executor executor;

    private Med42StreamingChatModel(Builder builder) {
        super(builder);
        ThreadFactory threads = streamThreads();
        this.executor = builder.executor != null
                ? builder.executor
                : task -> threads.newThread(task).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Checks the request at once (an unsupported feature throws here, on the caller's thread) and streams the answer
     * from another thread.
     */
    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        Objects.requireNonNull(handler, "handler");
        PreparedRequest prepared = prepare(request);
        Stream stream = new Stream(handler);
        executor.execute(() -> stream.run(prepared));
    }

    /** One streamed answer: relays the tokens to the handler and is the handle that cancels it. */
    private final class Stream implements StreamingHandle {
        private final StreamingChatResponseHandler handler;
        private final CancelSignal cancellation = new CancelSignal();
        private final PartialResponseContext context = new PartialResponseContext(this);
        private final StringBuilder answer = new StringBuilder();
        private boolean started; // whether the answer's first visible text has been sent

        Stream(StreamingChatResponseHandler handler) {
            this.handler = handler;
        }

        void run(PreparedRequest request) {
            try {
                Answer result = generate(request, this::onPiece, cancellation);
                if (cancellation.isCancelled()) {
                    return;
                }
                if (!started) {
                    partial(disclaimer().opening());
                }
                partial(disclaimer().closing());
                var response = response(answer.toString(), result);
                try {
                    handler.onCompleteResponse(response);
                } catch (Exception e) {
                    error(e);
                }
            } catch (Throwable e) { // whatever stops the generation ends the stream: the caller must hear of it
                if (!cancellation.isCancelled()) {
                    error(e);
                }
            }
        }

        private void onPiece(String text) {
            if (!started) {
                // The first piece starts with SentencePiece's word-start space: not part of the answer.
                text = text.stripLeading();
                if (text.isEmpty()) {
                    return;
                }
                started = true;
                partial(disclaimer().opening());
            }
            answer.append(text);
            partial(text);
        }

        private void partial(String text) {
            if (text.isEmpty() || cancellation.isCancelled()) {
                return;
            }
            try {
                handler.onPartialResponse(new PartialResponse(text), context);
            } catch (Exception e) {
                error(e);
            }
        }

        private void error(Throwable error) {
            try {
                handler.onError(error);
            } catch (Exception e) {
                log.warn("StreamingChatResponseHandler.onError threw an exception; it was ignored", e);
            }
        }

        @Override
        public void cancel() {
            cancellation.cancel();
        }

        @Override
        public boolean isCancelled() {
            return cancellation.isCancelled();
        }
    }

    public static class Builder extends Med42BaseChatModel.Builder<Med42StreamingChatModel, Builder> {
        private Executor executor;

        /**
         * Runs each stream. Default: a new daemon platform thread per request (the session pool bounds how many
         * generate at once), or for a remote server a new virtual thread, which only waits on the network.
         */
        public Builder executor(Executor executor) {
            this.executor = executor;
            return this;
        }

        @Override
        public Med42StreamingChatModel build() {
            return new Med42StreamingChatModel(this);
        }
    }
}
