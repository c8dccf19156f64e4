package dev.med42.langchain4j;

import static java.util.Objects.requireNonNullElse;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.med42.chat.ChatMessage;
import dev.med42.chat.Disclaimer;
import dev.med42.chat.Med42ChatTemplate;
import dev.med42.chat.Prompt;
import dev.med42.generate.GenerationOptions;
import dev.med42.generate.SessionPool;
import dev.med42.model.KVCacheType;
import dev.med42.model.LlamaModel;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * What the blocking and the streaming model share: the engine that generates (the embedded runtime or a remote
 * server), the template, the defaults, the disclaimer, and the steps of a chat (validate and map the request,
 * generate, build the response). Immutable but for the engine, which is thread-safe, so one instance serves any
 * number of threads.
 */
abstract class Med42BaseChatModel implements AutoCloseable {
    private final Engine engine;
    private final String modelName;
    private final Med42ChatTemplate template;
    private final Disclaimer disclaimer;
    private final Med42ChatRequestParameters defaultRequestParameters;
    private final List<ChatModelListener> listeners;

    /** A validated request, ready to generate: the rendered conversation and how to answer it. */
    record PreparedRequest(Prompt prompt, GenerationOptions options) {}

    Med42BaseChatModel(Builder<?, ?> builder) {
        this.engine = engine(builder);
        try {
            this.modelName = engine.modelName();
            this.template = builder.systemPrompt != null
                    ? new Med42ChatTemplate(builder.systemPrompt)
                    : engine.defaultTemplate();
            this.disclaimer = requireNonNullElse(builder.disclaimer, Disclaimer.DEFAULT);
            this.defaultRequestParameters = defaults(builder, modelName);
            this.listeners = List.copyOf(requireNonNullElse(builder.listeners, List.of()));
        } catch (RuntimeException | Error e) {
            engine.close();
            throw e;
        }
    }

    /** The embedded runtime on exactly one of modelPath, model and sessionPool, or a remote server at baseUrl. */
    private static Engine engine(Builder<?, ?> b) {
        int sources = (b.modelPath != null ? 1 : 0)
                + (b.model != null ? 1 : 0)
                + (b.sessionPool != null ? 1 : 0)
                + (b.baseUrl != null ? 1 : 0);
        if (sources != 1) {
            throw new IllegalArgumentException("set exactly one of modelPath, model and sessionPool (the embedded"
                    + " runtime) or baseUrl (a remote server), got " + sources);
        }
        if (b.baseUrl == null) {
            if (b.apiKey != null
                    || b.remoteModel != null
                    || b.connectTimeout != null
                    || b.readTimeout != null
                    || b.maxRetries != null) {
                throw new IllegalArgumentException(
                        "apiKey, remoteModel, connectTimeout, readTimeout and maxRetries are for a remote server:"
                                + " set baseUrl too");
            }
            return LocalEngine.of(b.modelPath, b.model, b.sessionPool, b.contextSize, b.maxSessions, b.kvCacheType);
        }
        if (b.contextSize != null || b.maxSessions != null || b.kvCacheType != null) {
            throw new IllegalArgumentException(
                    "contextSize, maxSessions and kvCacheType are for the embedded runtime: a remote server has"
                            + " its own");
        }
        return new RemoteEngine(new RemoteEngine.Settings(
                b.baseUrl,
                b.apiKey,
                b.remoteModel,
                requireNonNullElse(b.connectTimeout, RemoteEngine.Settings.DEFAULT_CONNECT_TIMEOUT),
                requireNonNullElse(b.readTimeout, RemoteEngine.Settings.DEFAULT_READ_TIMEOUT),
                requireNonNullElse(b.maxRetries, RemoteEngine.Settings.DEFAULT_MAX_RETRIES),
                requireNonNullElse(b.retryDelay, RemoteEngine.Settings.DEFAULT_RETRY_DELAY)));
    }

    /**
     * The model's defaults: a builder setter wins over {@code defaultRequestParameters}, which wins over the model
     * card. Every sampler value is filled in, so that listeners and {@code defaultRequestParameters()} show what is
     * used.
     */
    private static Med42ChatRequestParameters defaults(Builder<?, ?> builder, String modelName) {
        ChatRequestParameters common =
                requireNonNullElse(builder.defaultRequestParameters, Med42ChatRequestParameters.EMPTY);
        Med42ChatRequestParameters med42 =
                common instanceof Med42ChatRequestParameters m ? m : Med42ChatRequestParameters.EMPTY;
        var card = ParameterMapper.MODEL_CARD_SAMPLING;
        Med42ChatRequestParameters defaults = Med42ChatRequestParameters.builder()
                .overrideWith(common)
                .modelName(requireNonNullElse(common.modelName(), modelName))
                .temperature(first(builder.temperature, common.temperature(), card.temperature()))
                .topP(first(builder.topP, common.topP(), card.topP()))
                .topK(first(builder.topK, common.topK(), card.topK()))
                .frequencyPenalty(first(builder.frequencyPenalty, common.frequencyPenalty(), card.frequencyPenalty()))
                .presencePenalty(first(builder.presencePenalty, common.presencePenalty(), card.presencePenalty()))
                .maxOutputTokens(builder.maxOutputTokens != null ? builder.maxOutputTokens : common.maxOutputTokens())
                .stopSequences(builder.stopSequences != null ? builder.stopSequences : common.stopSequences())
                .minP(first(builder.minP, med42.minP(), card.minP()))
                .repeatPenalty(first(builder.repeatPenalty, med42.repeatPenalty(), card.repeatPenalty()))
                .repeatLastN(first(builder.repeatLastN, med42.repeatLastN(), card.repeatLastN()))
                .seed(builder.seed != null ? builder.seed : med42.seed())
                .build();
        ParameterMapper.validate(defaults, modelName);
        ParameterMapper.toGenerationOptions(defaults); // fails now on a value out of range, not at the first request
        return defaults;
    }

    private static <T> T first(T a, T b, T c) {
        return a != null ? a : b != null ? b : c;
    }

    /** The name of the served model: its GGUF {@code general.name}, else its file name; or the remote model's. */
    public String modelName() {
        return modelName;
    }

    /**
     * The context in tokens: how long a conversation and its answer can be together.
     *
     * @throws UnsupportedOperationException for a remote server, whose context is its own
     */
    public int contextSize() {
        return engine.contextSize();
    }

    /** The disclaimer every answer carries. */
    public Disclaimer disclaimer() {
        return disclaimer;
    }

    /**
     * Counts tokens as this model does, for {@code TokenWindowChatMemory}: with the real tokenizer and template, and
     * without the disclaimer, which never reaches the model.
     *
     * @throws UnsupportedOperationException for a remote server: its tokenizer is not here
     */
    public Med42TokenCountEstimator tokenCountEstimator() {
        return engine.tokenCountEstimator(template, disclaimer);
    }

    public Med42ChatRequestParameters defaultRequestParameters() {
        return defaultRequestParameters;
    }

    public List<ChatModelListener> listeners() {
        return listeners;
    }

    /** Not one of LangChain4j's named providers: Med42, in this JVM or on a server of one's own. */
    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }

    /** None: Med42 cannot follow a JSON schema (nor call tools, which needs no capability to refuse). */
    public Set<Capability> supportedCapabilities() {
        return Set.of();
    }

    /**
     * Checks, maps and renders a request before anything runs, so that an unsupported feature fails at once.
     *
     * @throws dev.langchain4j.exception.UnsupportedFeatureException for tools, JSON output, images and the like
     */
    PreparedRequest prepare(ChatRequest request) {
        ParameterMapper.validate(request.parameters(), modelName);
        List<ChatMessage> messages = MessageMapper.toMed42(request.messages(), disclaimer);
        GenerationOptions options = ParameterMapper.toGenerationOptions(request.parameters());
        return new PreparedRequest(template.render(messages), options);
    }

    /**
     * Generates the answer on the calling thread.
     *
     * @param pieces receives the text as it is generated
     * @throws dev.langchain4j.exception.InvalidRequestException when the conversation leaves no room for an answer
     */
    Answer generate(PreparedRequest request, Consumer<String> pieces, CancelSignal cancel) {
        return engine.generate(request.prompt(), request.options(), pieces, cancel);
    }

    /** Where streams run. */
    ThreadFactory streamThreads() {
        return engine.streamThreads();
    }

    /** The response for an answer: the disclaimer in place, usage, finish reason, model name. */
    ChatResponse response(String answerText, Answer answer) {
        Med42ChatResponseMetadata metadata = Med42ChatResponseMetadata.builder()
                .id(answer.id())
                .modelName(answer.modelName())
                .tokenUsage(answer.tokenUsage())
                .finishReason(answer.finishReason())
                .disclaimer(disclaimer.enabled() ? disclaimer.text() : null)
                .timings(answer.timings())
                .build();
        return ChatResponse.builder()
                .aiMessage(AiMessage.from(disclaimer.apply(answerText)))
                .metadata(metadata)
                .build();
    }

    /**
     * Frees the sessions this instance made and unmaps the model it loaded (shared ones are left to their owner), or
     * abandons the requests in flight to a remote server.
     */
    @Override
    public void close() {
        engine.close();
    }

    /**
     * Options of both models. The model comes from exactly one of {@link #modelPath}, {@link #model} and {@link
     * #sessionPool} (the embedded runtime), or runs on a remote server at {@link #baseUrl}; every other option has a
     * default, but {@link #remoteModel} with {@link #baseUrl}.
     */
    @SuppressWarnings("unchecked")
    abstract static class Builder<C extends Med42BaseChatModel, B extends Builder<C, B>> {
        private Path modelPath;
        private LlamaModel model;
        private SessionPool sessionPool;
        private Integer contextSize;
        private Integer maxSessions;
        private KVCacheType kvCacheType;
        private String systemPrompt;
        private Disclaimer disclaimer;
        private ChatRequestParameters defaultRequestParameters;
        private Double temperature;
        private Double topP;
        private Integer topK;
        private Double minP;
        private Double frequencyPenalty;
        private Double presencePenalty;
        private Double repeatPenalty;
        private Integer repeatLastN;
        private Integer seed;
        private Integer maxOutputTokens;
        private List<String> stopSequences;
        private List<ChatModelListener> listeners;
        private URI baseUrl;
        private String apiKey;
        private String remoteModel;
        private Duration connectTimeout;
        private Duration readTimeout;
        private Integer maxRetries;
        private Duration retryDelay;

        B self() {
            return (B) this;
        }

        /** A GGUF file to load; the model is unmapped when this chat model is closed. */
        public B modelPath(Path modelPath) {
            this.modelPath = modelPath;
            return self();
        }

        /** An already loaded model, shared with other beans (one copy of the weights); its owner closes it. */
        public B model(LlamaModel model) {
            this.model = model;
            return self();
        }

        /**
         * A session pool shared with other beans (one copy of the weights and of the KV caches), for example by the
         * blocking and the streaming model of one application; its owner closes it.
         */
        public B sessionPool(SessionPool sessionPool) {
            this.sessionPool = sessionPool;
            return self();
        }

        /**
         * The context of each session in tokens, the conversation and its answer together. Default: the model's
         * trained context ({@code llama.context_length}, 4096 for Med42).
         */
        public B contextSize(Integer contextSize) {
            this.contextSize = contextSize;
            return self();
        }

        /**
         * How many sessions (each with its own KV cache, 1.3 GB for Med42-70B at 4096 tokens in F16) may generate at
         * once; further callers wait. Default 1: generation is CPU-bound, so more mostly costs memory.
         */
        public B maxSessions(Integer maxSessions) {
            this.maxSessions = maxSessions;
            return self();
        }

        /** How the KV cache stores keys and values. Default F16, as llama.cpp. */
        public B kvCacheType(KVCacheType kvCacheType) {
            this.kvCacheType = kvCacheType;
            return self();
        }

        /**
         * The system prompt when a request has no {@code SystemMessage}; "" for none. Default: the model card's
         * ("You are a helpful medical assistant created by M42 Health in the UAE.").
         */
        public B systemPrompt(String systemPrompt) {
            this.systemPrompt = systemPrompt;
            return self();
        }

        /** The safety disclaimer on every answer. Default {@link Disclaimer#DEFAULT}; {@link Disclaimer#OFF} for none. */
        public B disclaimer(Disclaimer disclaimer) {
            this.disclaimer = disclaimer;
            return self();
        }

        /**
         * Default request parameters, common or {@link Med42ChatRequestParameters}; the setters below win over them.
         * Tools, a required tool choice, JSON output and another model name are refused.
         */
        public B defaultRequestParameters(ChatRequestParameters defaultRequestParameters) {
            this.defaultRequestParameters = defaultRequestParameters;
            return self();
        }

        /** Default 0.7 (the model card); 0 for greedy decoding. */
        public B temperature(Double temperature) {
            this.temperature = temperature;
            return self();
        }

        /** Default 0.95; 1 = off. */
        public B topP(Double topP) {
            this.topP = topP;
            return self();
        }

        /** Default 40; 0 = off. */
        public B topK(Integer topK) {
            this.topK = topK;
            return self();
        }

        /** Default 0.05; 0 = off. */
        public B minP(Double minP) {
            this.minP = minP;
            return self();
        }

        /** Default 0 (off). */
        public B frequencyPenalty(Double frequencyPenalty) {
            this.frequencyPenalty = frequencyPenalty;
            return self();
        }

        /** Default 0 (off). */
        public B presencePenalty(Double presencePenalty) {
            this.presencePenalty = presencePenalty;
            return self();
        }

        /** Default 1.1 (the model card); 1 = off. */
        public B repeatPenalty(Double repeatPenalty) {
            this.repeatPenalty = repeatPenalty;
            return self();
        }

        /** How many recent tokens the penalties look at. Default 64; 0 = off, -1 = the whole context. */
        public B repeatLastN(Integer repeatLastN) {
            this.repeatLastN = repeatLastN;
            return self();
        }

        /** The sampler's seed. Default: a new random seed for every request (also -1). */
        public B seed(Integer seed) {
            this.seed = seed;
            return self();
        }

        /** The most tokens of an answer. Default: no limit but the context. */
        public B maxOutputTokens(Integer maxOutputTokens) {
            this.maxOutputTokens = maxOutputTokens;
            return self();
        }

        /** Text that ends the answer (left out of it). The template's role markers always do. Default: none. */
        public B stopSequences(List<String> stopSequences) {
            this.stopSequences = stopSequences == null ? null : new ArrayList<>(stopSequences);
            return self();
        }

        public B listeners(List<ChatModelListener> listeners) {
            this.listeners = listeners;
            return self();
        }

        /**
         * The root URL of a remote OpenAI-compatible server that runs Med42 (vLLM, llama.cpp's server, {@code ./med42
         * serve}), without {@code /v1}: for example {@code http://gpu-node:8000}. The prompt is rendered here and sent
         * to its {@code /v1/completions}.
         */
        public B baseUrl(URI baseUrl) {
            this.baseUrl = baseUrl;
            return self();
        }

        /** The remote server's API key, sent as {@code Authorization: Bearer}. Default: none. */
        public B apiKey(String apiKey) {
            this.apiKey = apiKey;
            return self();
        }

        /**
         * The name the remote server serves Med42 under, required with {@link #baseUrl}: vLLM's {@code
         * --served-model-name} (else the repository id it loaded); llama.cpp's server takes any name.
         */
        public B remoteModel(String remoteModel) {
            this.remoteModel = remoteModel;
            return self();
        }

        /** The longest wait for a connection to the remote server. Default 10 s. */
        public B connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return self();
        }

        /**
         * The longest silence from the remote server: for its answer to begin (it evaluates the prompt meanwhile),
         * then between two pieces of it. A stream that stalls longer ends with a {@code TimeoutException}. Default
         * 60 s.
         */
        public B readTimeout(Duration readTimeout) {
            this.readTimeout = readTimeout;
            return self();
        }

        /**
         * How often a request is tried again while the remote server answers 503 (loading its model) or cannot be
         * reached, after 1, 2, 4 … s (at most 30 s each, or its {@code Retry-After}). Default 3; 0 for none.
         */
        public B maxRetries(Integer maxRetries) {
            this.maxRetries = maxRetries;
            return self();
        }

        /** The first pause before a retry (1 s); for tests. */
        B retryDelay(Duration retryDelay) {
            this.retryDelay = retryDelay;
            return self();
        }

        public abstract C build();
    }
}
