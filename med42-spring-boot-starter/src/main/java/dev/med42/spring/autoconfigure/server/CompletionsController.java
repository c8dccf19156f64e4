package dev.med42.spring.autoconfigure.server;

import dev.med42.generate.BatchScheduler;
import dev.med42.generate.GenerationOptions;
import dev.med42.generate.GenerationResult;
import dev.med42.generate.LogitsListener;
import dev.med42.generate.TokenListener;
import dev.med42.spring.autoconfigure.Med42Properties;
import dev.med42.tokenizer.SentencePieceTokenizer;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /v1/completions}: a raw continuation of the prompt, no template and no disclaimer (it is not an
 * answer to anyone). With {@code echo} the text starts with the prompt, and with {@code logprobs} too, every prompt
 * token but the first gets its log probability, computed from the logits after the token before it: what evaluation
 * harnesses score ({@code max_tokens: 0} scores without generating). {@code max_tokens} defaults to 16, as OpenAI's;
 * {@code null} is no limit but the context, as in vLLM and llama.cpp.
 */
@RestController
final class CompletionsController {
    private static final int DEFAULT_MAX_TOKENS = 16;
    private static final int MAX_LOGPROBS = 20;

    private final ServedModel served;
    private final RequestReader reader;
    private final JsonMapper json;
    private final Med42Properties.Generation defaults;
    private final ServerMetrics metrics;

    CompletionsController(ServedModel served, JsonMapper json, Med42Properties properties, ServerMetrics metrics) {
        this.served = served;
        this.reader = new RequestReader(json);
        this.json = json;
        this.defaults = properties.getGeneration();
        this.metrics = metrics;
    }

    @PostMapping("/v1/completions")
    ResponseEntity<ResponseBodyEmitter> create(HttpServletRequest http) throws IOException {
        CompletionApi.Request request = reader.read(http, CompletionApi.Request.class);
        if (request.n() != null && request.n() != 1) {
            throw ApiException.invalidRequest("n", "n must be 1: one choice per request");
        }
        ServedModel.Ready model = served.ready();
        SentencePieceTokenizer tokenizer = model.model().tokenizer();
        int[] tokens = tokens(request.prompt(), tokenizer);
        int contextSize = model.scheduler().options().contextSize();
        if (tokens.length >= contextSize) {
            throw ApiException.contextLengthExceeded("prompt", tokens.length, contextSize);
        }
        int maxTokens = maxTokens(request.maxTokens());
        GenerationOptions options = request.sampling().toOptions(defaults, maxTokens, List.of());
        Integer top = request.logprobs();
        if (top != null && (top < 0 || top > MAX_LOGPROBS)) {
            throw ApiException.invalidRequest(
                    "logprobs", "logprobs must be between 0 and " + MAX_LOGPROBS + ", got " + top);
        }
        boolean echo = Boolean.TRUE.equals(request.echo());
        Logprobs logprobs = top == null ? null : new Logprobs(tokenizer, tokens, top);
        String echoed = echo ? echoText(request.prompt(), tokens, tokenizer) : "";

        Text text = new Text(
                Replies.id("cmpl-"), Instant.now().getEpochSecond(), model.name(), tokens, echoed, echo, logprobs);
        LogitsListener logits = logprobs != null ? logprobs : LogitsListener.NONE;
        boolean promptLogits = echo && logprobs != null;
        if (!Boolean.TRUE.equals(request.stream())) {
            BatchScheduler.Request running =
                    model.scheduler().submit(tokens, options, TokenListener.NONE, logits, promptLogits);
            running.result().thenAccept(result -> metrics.record(result.timings()));
            return Replies.json(running, json, text::response);
        }
        boolean usage = request.streamOptions() != null
                && Boolean.TRUE.equals(request.streamOptions().includeUsage());
        SseStream stream = new SseStream(json);
        Text.ChunkWriter chunks = text.new ChunkWriter(stream, usage);
        BatchScheduler.Request running = model.scheduler().submit(tokens, options, chunks, logits, promptLogits);
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

    /**
     * {@code max_tokens}: absent, OpenAI's 16; {@code null}, no limit but the context, as vLLM and llama.cpp's server
     * read it (the LangChain4j adapter's remote mode sends it so); else 0 or more.
     */
    private static int maxTokens(JsonNode maxTokens) {
        if (maxTokens == null) {
            return DEFAULT_MAX_TOKENS;
        }
        if (maxTokens.isNull()) {
            return -1;
        }
        if (!maxTokens.isIntegralNumber() || !maxTokens.canConvertToInt() || maxTokens.intValue() < 0) {
            throw ApiException.invalidRequest("max_tokens", "max_tokens must be 0 or more, got " + maxTokens);
        }
        return maxTokens.intValue();
    }

    /** The prompt's tokens: text is encoded as {@code ./med42 run} does (BOS first, control-token text parsed). */
    private static int[] tokens(JsonNode prompt, SentencePieceTokenizer tokenizer) {
        JsonNode one = prompt;
        if (one != null
                && one.isArray()
                && one.size() == 1
                && (one.get(0).isString() || one.get(0).isArray())) {
            one = one.get(0);
        }
        if (one != null && one.isString()) {
            return tokenizer.encode(one.stringValue(), true, true);
        }
        if (one != null && one.isArray() && !one.isEmpty()) {
            int vocabulary = tokenizer.vocabulary().size();
            int[] ids = new int[one.size()];
            for (int i = 0; i < ids.length; i++) {
                JsonNode id = one.get(i);
                if (!id.isIntegralNumber()
                        || !id.canConvertToInt()
                        || id.intValue() < 0
                        || id.intValue() >= vocabulary) {
                    // A number is quoted, text is not: it may be a prompt sent the wrong way.
                    throw ApiException.invalidRequest(
                            "prompt",
                            "token ids must be integers from 0 to " + (vocabulary - 1) + ", got "
                                    + (id.isNumber()
                                            ? id.toString()
                                            : "a " + id.getNodeType().name().toLowerCase(Locale.ROOT))
                                    + " at " + i);
                }
                ids[i] = id.intValue();
            }
            return ids;
        }
        throw ApiException.invalidRequest(
                "prompt", "prompt must be a string or an array of token ids (one prompt per request)");
    }

    /** The prompt as sent when it is text, else its tokens decoded. */
    private static String echoText(JsonNode prompt, int[] tokens, SentencePieceTokenizer tokenizer) {
        JsonNode one = prompt.isArray() && prompt.size() == 1 ? prompt.get(0) : prompt;
        return one.isString() ? one.stringValue() : tokenizer.decode(tokens);
    }

    /** One completion's id, time, model and prompt, and the shapes it is sent in. */
    private static final class Text {
        private final String id;
        private final long created;
        private final String model;
        private final int[] prompt;
        private final String echoed;
        private final boolean echo;
        private final Logprobs logprobs;

        Text(String id, long created, String model, int[] prompt, String echoed, boolean echo, Logprobs logprobs) {
            this.id = id;
            this.created = created;
            this.model = model;
            this.prompt = prompt;
            this.echoed = echoed;
            this.echo = echo;
            this.logprobs = logprobs;
        }

        CompletionApi.Response response(GenerationResult result) {
            CompletionApi.Logprobs entries = null;
            if (logprobs != null) {
                entries = echo
                        ? join(promptLogprobs(), generatedLogprobs(logprobs.generated(), echoed.length()))
                        : generatedLogprobs(logprobs.generated(), 0);
            }
            return response(
                    new CompletionApi.Choice(
                            echoed + result.text(), 0, entries, Replies.finishReason(result.stopReason())),
                    Optional.of(Usage.of(result)));
        }

        private CompletionApi.Response response(CompletionApi.Choice choice, Optional<Usage> usage) {
            return new CompletionApi.Response(id, "text_completion", created, List.of(choice), model, usage);
        }

        /** The prompt's tokens: the first with null (nothing predicts it), the others with their log probability. */
        private CompletionApi.Logprobs promptLogprobs() {
            List<String> tokens = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            List<Map<String, Double>> tops = new ArrayList<>();
            tokens.add(logprobs.text(prompt[0]));
            values.add(null);
            tops.add(null);
            for (Logprobs.Entry entry : logprobs.prompt()) {
                tokens.add(logprobs.text(entry.token()));
                values.add(entry.logprob());
                tops.add(top(entry));
            }
            return new CompletionApi.Logprobs(tokens, values, tops, offsets(prompt, echoed, 0));
        }

        private CompletionApi.Logprobs generatedLogprobs(List<Logprobs.Entry> entries, int start) {
            int[] generated = entries.stream().mapToInt(Logprobs.Entry::token).toArray();
            return new CompletionApi.Logprobs(
                    entries.stream().map(entry -> logprobs.text(entry.token())).toList(),
                    entries.stream().map(Logprobs.Entry::logprob).toList(),
                    entries.stream().map(this::top).toList(),
                    offsets(generated, null, start));
        }

        private Map<String, Double> top(Logprobs.Entry entry) {
            Map<String, Double> top = new LinkedHashMap<>();
            for (Logprobs.Alternative alternative : entry.top()) {
                top.putIfAbsent(logprobs.text(alternative.token()), alternative.logprob());
            }
            return top;
        }

        /**
         * Where each token starts in the text, in chars: its piece's start among the pieces. For the prompt, {@code
         * text} is the echoed prompt, which may lack the space the tokenizer put in front; the offsets shift by it.
         */
        private List<Integer> offsets(int[] tokens, String text, int start) {
            List<byte[]> pieces = new ArrayList<>();
            int total = 0;
            for (int token : tokens) {
                byte[] piece = logprobs.textBytes(token);
                pieces.add(piece);
                total += piece.length;
            }
            byte[] all = new byte[total];
            int at = 0;
            for (byte[] piece : pieces) {
                System.arraycopy(piece, 0, all, at, piece.length);
                at += piece.length;
            }
            int shift = 0;
            if (text != null) {
                String joined = new String(all, StandardCharsets.UTF_8);
                shift = joined.endsWith(text) ? joined.length() - text.length() : 0;
            }
            List<Integer> offsets = new ArrayList<>(tokens.length);
            int chars = 0;
            for (byte[] piece : pieces) {
                offsets.add(start + Math.max(0, chars - shift));
                for (byte b : piece) {
                    // UTF-16 units: one per character start, two for a 4-byte (supplementary) character.
                    chars += (b & 0xC0) == 0x80 ? 0 : (b & 0xF8) == 0xF0 ? 2 : 1;
                }
            }
            return offsets;
        }

        private static CompletionApi.Logprobs join(CompletionApi.Logprobs a, CompletionApi.Logprobs b) {
            return new CompletionApi.Logprobs(
                    concat(a.tokens(), b.tokens()),
                    concat(a.tokenLogprobs(), b.tokenLogprobs()),
                    concat(a.topLogprobs(), b.topLogprobs()),
                    concat(a.textOffset(), b.textOffset()));
        }

        private static <T> List<T> concat(List<T> a, List<T> b) {
            List<T> both = new ArrayList<>(a);
            both.addAll(b);
            return both;
        }

        /** Streams the text: the echoed prompt first, then each piece, the finish reason, the usage, [DONE]. */
        final class ChunkWriter implements TokenListener {
            private final SseStream stream;
            private final boolean usage;
            private boolean echoSent;
            private int length = echoed.length();

            ChunkWriter(SseStream stream, boolean usage) {
                this.stream = stream;
                this.usage = usage;
            }

            /** On the scheduler's thread: only queues. The prompt's log probabilities are complete by now. */
            @Override
            public void onToken(int token, String piece) {
                sendEcho();
                if (!piece.isEmpty()) {
                    CompletionApi.Logprobs entries =
                            logprobs == null ? null : generatedLogprobs(logprobs.drain(), length);
                    length += piece.length();
                    stream.send(chunk(piece, entries, null));
                }
            }

            private void sendEcho() {
                if (echo && !echoSent) {
                    echoSent = true;
                    stream.send(chunk(echoed, logprobs == null ? null : promptLogprobs(), null));
                }
            }

            void finish(GenerationResult result) {
                sendEcho();
                CompletionApi.Logprobs rest = logprobs == null ? null : generatedLogprobs(logprobs.drain(), length);
                stream.send(chunk("", rest, Replies.finishReason(result.stopReason())));
                if (usage) {
                    stream.send(new CompletionApi.Response(
                            id, "text_completion", created, List.of(), model, Optional.of(Usage.of(result))));
                }
                stream.done();
            }

            private CompletionApi.Response chunk(String piece, CompletionApi.Logprobs entries, String finish) {
                return response(new CompletionApi.Choice(piece, 0, entries, finish), usage ? Optional.empty() : null);
            }
        }
    }
}
