package dev.med42.spring.autoconfigure.server;

import dev.med42.chat.Disclaimer;
import dev.med42.chat.Med42ChatTemplate;
import dev.med42.generate.BatchScheduler;
import dev.med42.generate.GenerationOptions;
import dev.med42.generate.GenerationResult;
import dev.med42.generate.LogitsListener;
import dev.med42.generate.TokenListener;
import dev.med42.spring.autoconfigure.Med42Properties;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /v1/chat/completions}: the conversation rendered with the Med42 template, answered by the batch
 * scheduler, with the disclaimer as {@code med42.disclaimer.*} configures it (the same as the LangChain4j adapter's):
 * in the text before or after the answer (streamed as the first or last content chunk), or only in an extra {@code
 * disclaimer} field, which the response carries whenever the disclaimer is on.
 */
@RestController
final class ChatCompletionsController {
    private static final int MAX_TOP_LOGPROBS = 20;

    private final ServedModel served;
    private final RequestReader reader;
    private final JsonMapper json;
    private final ChatPrompt prompt;
    private final Disclaimer disclaimer;
    private final Med42Properties.Generation defaults;
    private final ServerMetrics metrics;

    ChatCompletionsController(ServedModel served, JsonMapper json, Med42Properties properties, ServerMetrics metrics) {
        this.served = served;
        this.reader = new RequestReader(json);
        this.json = json;
        String systemPrompt = properties.getGeneration().getSystemPrompt();
        this.disclaimer = properties.getDisclaimer().toDisclaimer();
        this.prompt = new ChatPrompt(
                systemPrompt != null ? new Med42ChatTemplate(systemPrompt) : new Med42ChatTemplate(), disclaimer);
        this.defaults = properties.getGeneration();
        this.metrics = metrics;
    }

    @PostMapping("/v1/chat/completions")
    ResponseEntity<ResponseBodyEmitter> create(HttpServletRequest http) throws IOException {
        ChatApi.Request request = reader.read(http, ChatApi.Request.class);
        refuseWhatMed42CannotDo(request);
        ServedModel.Ready model = served.ready();
        int[] tokens = prompt.tokens(request.messages(), model.model().tokenizer());
        int contextSize = model.scheduler().options().contextSize();
        if (tokens.length >= contextSize) {
            throw ApiException.contextLengthExceeded("messages", tokens.length, contextSize);
        }
        GenerationOptions options =
                request.sampling().toOptions(defaults, maxTokens(request), Med42ChatTemplate.stopStrings());
        Logprobs logprobs = logprobs(request, tokens, model);

        Answer answer = new Answer(Replies.id("chatcmpl-"), Instant.now().getEpochSecond(), model.name());
        LogitsListener logits = logprobs != null ? logprobs : LogitsListener.NONE;
        if (!Boolean.TRUE.equals(request.stream())) {
            BatchScheduler.Request running =
                    model.scheduler().submit(tokens, options, TokenListener.NONE, logits, false);
            running.result().thenAccept(result -> metrics.record(result.timings()));
            return Replies.json(running, json, result -> answer.response(result, logprobs));
        }
        boolean usage = request.streamOptions() != null
                && Boolean.TRUE.equals(request.streamOptions().includeUsage());
        SseStream stream = new SseStream(json);
        Answer.ChunkWriter chunks = answer.new ChunkWriter(stream, usage, logprobs);
        chunks.start(); // queued before any token; nothing is written unless the stream is returned
        BatchScheduler.Request running = model.scheduler().submit(tokens, options, chunks, logits, false);
        stream.onDisconnect(running::cancel);
        running.result().whenComplete((result, failure) -> {
            if (failure != null) {
                stream.fail(ApiExceptionHandler.describe(Replies.unwrap(failure)));
            } else {
                metrics.record(result.timings());
                chunks.finish(result);
            }
        });
        return Replies.stream(stream);
    }

    /** More than one choice, tools, and JSON output: 400 rather than silently something else. */
    private static void refuseWhatMed42CannotDo(ChatApi.Request request) {
        if (request.n() != null && request.n() != 1) {
            throw ApiException.invalidRequest("n", "n must be 1: one choice per request");
        }
        if (request.tools() != null
                && !request.tools().isNull()
                && !request.tools().isEmpty()) {
            throw ApiException.invalidRequest("tools", "tools are not supported: Med42 cannot call tools");
        }
        String format = request.responseFormat() == null
                ? "text"
                : request.responseFormat().path("type").asString("text");
        if (!format.equals("text")) {
            throw ApiException.invalidRequest(
                    "response_format", format + " is not supported: Med42 cannot constrain its output");
        }
    }

    /** {@code max_completion_tokens}, else {@code max_tokens}, else {@code med42.generation.max-tokens}, else none. */
    private int maxTokens(ChatApi.Request request) {
        Integer limit = request.maxCompletionTokens() != null ? request.maxCompletionTokens() : request.maxTokens();
        if (limit != null && limit < 1) {
            throw ApiException.invalidRequest(
                    request.maxCompletionTokens() != null ? "max_completion_tokens" : "max_tokens",
                    "the token limit must be at least 1, got " + limit);
        }
        return limit != null ? limit : defaults.getMaxTokens() != null ? defaults.getMaxTokens() : -1;
    }

    /** The collector of log probabilities, when asked for ({@code logprobs: true}). */
    private static Logprobs logprobs(ChatApi.Request request, int[] tokens, ServedModel.Ready model) {
        int top = request.topLogprobs() == null ? 0 : request.topLogprobs();
        if (top < 0 || top > MAX_TOP_LOGPROBS) {
            throw ApiException.invalidRequest(
                    "top_logprobs", "top_logprobs must be between 0 and " + MAX_TOP_LOGPROBS + ", got " + top);
        }
        if (!Boolean.TRUE.equals(request.logprobs())) {
            if (request.topLogprobs() != null) {
                throw ApiException.invalidRequest("top_logprobs", "top_logprobs needs logprobs: true");
            }
            return null;
        }
        return new Logprobs(model.model().tokenizer(), tokens, top);
    }

    /** One answer's id, time and model, and the shapes it is sent in. */
    private final class Answer {
        private final String id;
        private final long created;
        private final String model;

        Answer(String id, long created, String model) {
            this.id = id;
            this.created = created;
            this.model = model;
        }

        ChatApi.Response response(GenerationResult result, Logprobs logprobs) {
            ChatApi.Choice choice = new ChatApi.Choice(
                    0,
                    new ChatApi.AnswerMessage("assistant", disclaimer.apply(result.text())),
                    logprobs == null ? null : content(logprobs.generated(), logprobs),
                    Replies.finishReason(result.stopReason()));
            return new ChatApi.Response(
                    id, "chat.completion", created, model, List.of(choice), Usage.of(result), disclaimerField());
        }

        private String disclaimerField() {
            return disclaimer.enabled() ? disclaimer.text() : null;
        }

        /** Streams the answer: the role, the content as it comes, the finish reason, the usage, {@code [DONE]}. */
        final class ChunkWriter implements TokenListener {
            private final SseStream stream;
            private final boolean usage;
            private final Logprobs logprobs;

            ChunkWriter(SseStream stream, boolean usage, Logprobs logprobs) {
                this.stream = stream;
                this.usage = usage;
                this.logprobs = logprobs;
            }

            void start() {
                stream.send(chunk(new ChatApi.Delta("assistant", ""), null, null));
                if (!disclaimer.opening().isEmpty()) {
                    stream.send(chunk(new ChatApi.Delta(null, disclaimer.opening()), null, null));
                }
            }

            /** On the scheduler's thread: only queues. Text held back (empty) waits for the next chunk. */
            @Override
            public void onToken(int token, String text) {
                if (!text.isEmpty()) {
                    ChatApi.Logprobs entries = logprobs == null ? null : content(logprobs.drain(), logprobs);
                    stream.send(chunk(new ChatApi.Delta(null, text), entries, null));
                }
            }

            void finish(GenerationResult result) {
                if (!disclaimer.closing().isEmpty()) {
                    stream.send(chunk(new ChatApi.Delta(null, disclaimer.closing()), null, null));
                }
                ChatApi.Logprobs rest = logprobs == null ? null : content(logprobs.drain(), logprobs);
                stream.send(chunk(new ChatApi.Delta(null, null), rest, Replies.finishReason(result.stopReason())));
                if (usage) {
                    stream.send(new ChatApi.Chunk(
                            id,
                            "chat.completion.chunk",
                            created,
                            model,
                            List.of(),
                            Optional.of(Usage.of(result)),
                            null));
                }
                stream.done();
            }

            private ChatApi.Chunk chunk(ChatApi.Delta delta, ChatApi.Logprobs entries, String finish) {
                return new ChatApi.Chunk(
                        id,
                        "chat.completion.chunk",
                        created,
                        model,
                        List.of(new ChatApi.ChunkChoice(0, delta, entries, finish)),
                        usage ? Optional.empty() : null,
                        finish != null ? disclaimerField() : null);
            }
        }
    }

    private static ChatApi.Logprobs content(List<Logprobs.Entry> entries, Logprobs logprobs) {
        return new ChatApi.Logprobs(entries.stream()
                .map(entry -> new ChatApi.TokenLogprob(
                        logprobs.text(entry.token()),
                        entry.logprob(),
                        logprobs.bytes(entry.token()),
                        entry.top().stream()
                                .map(alternative -> new ChatApi.TopLogprob(
                                        logprobs.text(alternative.token()),
                                        alternative.logprob(),
                                        logprobs.bytes(alternative.token())))
                                .toList()))
                .toList());
    }
}
