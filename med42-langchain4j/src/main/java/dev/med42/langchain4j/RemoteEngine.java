package dev.med42.langchain4j;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.TimeoutException;
import dev.med42.chat.Disclaimer;
import dev.med42.chat.Med42ChatTemplate;
import dev.med42.chat.Prompt;
import dev.med42.generate.GenerationOptions;
import dev.med42.http.StallGuard;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Med42 on a remote OpenAI-compatible server: vLLM, llama.cpp's server or this project's own ({@code ./med42 serve}).
 * The prompt is rendered here with the Med42 template and sent as text ({@link PromptText}) to {@code POST
 * /v1/completions}: Med42 has no chat template that the server's {@code /v1/chat/completions} could apply.
 *
 * <p>Every request is streamed, for the blocking model too, so that one timeout, the longest silence from the
 * server, holds for both: an unstreamed answer of a 70B model can take minutes with nothing on the wire. HTTP/1.1
 * only, so that the JDK client never offers {@code Upgrade: h2c} on plain http (vLLM's server drops the body of such
 * a request). A 503 (a server still loading its model, as llama.cpp's says) and a failed connection (a server not
 * listening yet, as vLLM while it loads) are tried again after 1, 2, 4 … s (at most 30 s each, or the server's
 * {@code Retry-After}), up to {@code maxRetries} times; any other error status is LangChain4j's exception for it
 * ({@link RemoteErrors}).
 */
final class RemoteEngine implements Engine {
    private static final Logger log = LoggerFactory.getLogger(RemoteEngine.class);
    private static final ThreadFactory THREADS =
            Thread.ofVirtual().name("med42-remote-", 0).factory(); // streams wait on the network
    private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(30);
    private static final int MAX_ERROR_BYTES = 64 * 1024;

    /**
     * Where the server is and how to talk to it.
     *
     * @param baseUrl the server's root, without {@code /v1}
     * @param apiKey sent as {@code Authorization: Bearer}; null for none
     * @param model the name the server serves the model under
     * @param connectTimeout the longest wait for a connection
     * @param readTimeout the longest silence: for the response to begin (the prompt is evaluated meanwhile), then
     *     between two chunks
     * @param maxRetries how often a 503 or a failed connection is tried again
     * @param retryDelay the first pause before trying again; each next one is twice as long
     */
    record Settings(
            URI baseUrl,
            String apiKey,
            String model,
            Duration connectTimeout,
            Duration readTimeout,
            int maxRetries,
            Duration retryDelay) {
        static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
        static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);
        static final int DEFAULT_MAX_RETRIES = 3;
        static final Duration DEFAULT_RETRY_DELAY = Duration.ofSeconds(1);

        Settings {
            Objects.requireNonNull(baseUrl, "baseUrl");
            String scheme = Objects.requireNonNullElse(baseUrl.getScheme(), "").toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || baseUrl.getHost() == null) {
                throw new IllegalArgumentException("baseUrl must be an http or https URL with a host, got " + baseUrl);
            }
            if (stripSlash(Objects.requireNonNullElse(baseUrl.getPath(), "")).endsWith("/v1")) {
                throw new IllegalArgumentException("baseUrl is the server's root, without /v1 (Med42 calls"
                        + " /v1/completions and /health under it), got " + baseUrl);
            }
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException("remoteModel is required with baseUrl: the name the server serves"
                        + " Med42 under (vLLM: --served-model-name; llama.cpp's server takes any)");
            }
            if (apiKey != null && apiKey.isBlank()) {
                throw new IllegalArgumentException("apiKey must not be blank; leave it unset for none");
            }
            positive(connectTimeout, "connectTimeout");
            positive(readTimeout, "readTimeout");
            positive(retryDelay, "retryDelay");
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries must be 0 or more, got " + maxRetries);
            }
        }

        /** A URL under the server's root, such as {@code /v1/completions}. */
        URI resolve(String path) {
            return URI.create(stripSlash(baseUrl.toString()) + path);
        }

        private static String stripSlash(String s) {
            return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        }

        private static void positive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + d);
            }
        }
    }

    private final Settings settings;
    private final URI completions;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    RemoteEngine(Settings settings) {
        this.settings = settings;
        this.completions = settings.resolve("/v1/completions");
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .build();
    }

    @Override
    public String modelName() {
        return settings.model();
    }

    /** The model card's template: the server's file is not here to look at. */
    @Override
    public Med42ChatTemplate defaultTemplate() {
        return new Med42ChatTemplate();
    }

    @Override
    public Answer generate(Prompt prompt, GenerationOptions options, Consumer<String> pieces, CancelSignal cancel) {
        byte[] body;
        try {
            body = json.writeValueAsBytes(CompletionsBody.of(json, settings.model(), PromptText.of(prompt), options));
        } catch (JacksonException e) {
            throw new IllegalStateException(e); // a tree of strings and numbers always writes
        }
        HttpResponse<InputStream> response = send(body, cancel);
        cancel.onCancel(() -> close(response.body()));
        StallGuard guard = new StallGuard(response.body(), settings.readTimeout());
        try (guard;
                InputStream in = new BufferedInputStream(guard.body())) {
            return read(response, in, pieces);
        } catch (JacksonException e) {
            throw new LangChain4jException("malformed JSON from " + completions + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            if (guard.stalled()) {
                throw new TimeoutException("the stream from " + completions + " stalled: nothing for "
                        + settings.readTimeout().toMillis() + " ms (readTimeout)");
            }
            throw new LangChain4jException("reading the answer from " + completions + " failed: " + e, e);
        }
    }

    private Answer read(HttpResponse<InputStream> response, InputStream in, Consumer<String> pieces)
            throws IOException {
        CompletionStream completion = new CompletionStream(pieces);
        boolean stream = response.headers()
                .firstValue("Content-Type")
                .orElse("")
                .toLowerCase(Locale.ROOT)
                .startsWith("text/event-stream");
        if (!stream) { // a server that answered in one piece all the same
            completion.accept(json.readTree(in));
        } else {
            ServerSentEvents events = new ServerSentEvents(in);
            for (ServerSentEvents.Event event; (event = events.next()) != null; ) {
                if (event.data().equals("[DONE]")) {
                    break;
                }
                JsonNode chunk = json.readTree(event.data());
                if (event.type().equals("error") || isError(chunk)) {
                    throw RemoteErrors.inStream(chunk, completions);
                }
                completion.accept(chunk);
            }
        }
        if (!completion.finished()) {
            throw new LangChain4jException("the stream from " + completions + " ended before the answer did");
        }
        return completion.answer(settings.model());
    }

    /** OpenAI's and llama.cpp's {@code {"error": ...}}, and vLLM's {@code {"object": "error", ...}}. */
    private static boolean isError(JsonNode chunk) {
        JsonNode error = chunk.path("error");
        return !(error.isMissingNode() || error.isNull())
                || "error".equals(chunk.path("object").textValue());
    }

    /** Sends the request until it is answered with 200, trying 503s and failed connections again. */
    private HttpResponse<InputStream> send(byte[] body, CancelSignal cancel) {
        HttpRequest.Builder request = HttpRequest.newBuilder(completions)
                .timeout(settings.readTimeout()) // until the headers arrive; after them, StallGuard's
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (settings.apiKey() != null) {
            request.header("Authorization", "Bearer " + settings.apiKey());
        }
        for (int attempt = 1; ; attempt++) {
            String failure;
            Optional<Duration> retryAfter = Optional.empty();
            try {
                HttpResponse<InputStream> response = exchange(request.build(), cancel);
                if (response.statusCode() == 200) {
                    return response;
                }
                String error = errorBody(response);
                if (response.statusCode() != 503 || attempt > settings.maxRetries()) {
                    throw RemoteErrors.of(response.statusCode(), error, completions);
                }
                failure = "HTTP 503: " + RemoteErrors.message(error);
                retryAfter = retryAfter(response);
            } catch (ConnectException | HttpConnectTimeoutException e) {
                failure = "no connection: " + describe(e);
                if (attempt > settings.maxRetries()) {
                    throw new LangChain4jException("cannot connect to " + completions + ": " + describe(e), e);
                }
            } catch (HttpTimeoutException e) {
                throw new TimeoutException("no answer from " + completions + " within "
                        + settings.readTimeout().toMillis() + " ms (readTimeout)");
            } catch (IOException e) {
                throw new LangChain4jException("the request to " + completions + " failed: " + describe(e), e);
            }
            Duration delay = retryAfter.orElse(settings.retryDelay().multipliedBy(1L << Math.min(attempt - 1, 20)));
            delay = delay.compareTo(MAX_RETRY_DELAY) > 0 ? MAX_RETRY_DELAY : delay;
            log.warn(
                    "{} from {}: trying again in {} ms (retry {} of {})",
                    failure,
                    completions,
                    delay.toMillis(),
                    attempt,
                    settings.maxRetries());
            try {
                if (cancel.await(delay)) {
                    throw new LangChain4jException("cancelled");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LangChain4jException("interrupted while waiting to try " + completions + " again", e);
            }
        }
    }

    /** One exchange, up to the response's headers; cancelling the request abandons it and its connection. */
    private HttpResponse<InputStream> exchange(HttpRequest request, CancelSignal cancel) throws IOException {
        CompletableFuture<HttpResponse<InputStream>> pending =
                http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
        cancel.onCancel(() -> pending.cancel(true));
        try {
            return pending.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new LangChain4jException("the request to " + completions + " failed: " + cause, cause);
        } catch (CancellationException e) {
            throw new LangChain4jException("cancelled", e);
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new LangChain4jException("interrupted while waiting for " + completions, e);
        }
    }

    private String errorBody(HttpResponse<InputStream> response) {
        try (StallGuard guard = new StallGuard(response.body(), settings.readTimeout());
                InputStream in = guard.body()) {
            return new String(in.readNBytes(MAX_ERROR_BYTES), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** A {@code Retry-After} in seconds (the form servers use for 503); a date is not waited for. */
    private static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers()
                .firstValue("Retry-After")
                .filter(value -> value.strip().matches("\\d{1,9}"))
                .map(value -> Duration.ofSeconds(Long.parseLong(value.strip())));
    }

    private static String describe(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static void close(InputStream body) {
        try {
            body.close();
        } catch (IOException ignored) {
            // the connection is dropped all the same
        }
    }

    @Override
    public ThreadFactory streamThreads() {
        return THREADS;
    }

    @Override
    public int contextSize() {
        throw new UnsupportedOperationException("the context of a remote Med42 is the server's (vLLM:"
                + " --max-model-len; llama.cpp: --ctx-size): the server refuses a conversation that does not fit");
    }

    @Override
    public Med42TokenCountEstimator tokenCountEstimator(Med42ChatTemplate template, Disclaimer disclaimer) {
        throw new UnsupportedOperationException("a remote Med42 has no tokenizer here: for TokenWindowChatMemory, make"
                + " a Med42TokenCountEstimator from a local Med42 GGUF file (new Med42TokenCountEstimator(LlamaModel)),"
                + " or keep the history with a MessageWindowChatMemory");
    }

    /** Abandons the requests in flight; their streams end with an error. */
    @Override
    public void close() {
        http.shutdownNow();
    }
}
