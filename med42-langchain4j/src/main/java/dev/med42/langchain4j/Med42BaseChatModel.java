package dev.med42.langchain4j;

import static java.util.Objects.requireNonNullElse;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import dev.med42.chat.ChatMessage;
import dev.med42.chat.Disclaimer;
import dev.med42.chat.Med42ChatTemplate;
import dev.med42.generate.Cancellation;
import dev.med42.generate.GenerationOptions;
import dev.med42.generate.GenerationResult;
import dev.med42.generate.Generator;
import dev.med42.generate.SessionPool;
import dev.med42.generate.StopReason;
import dev.med42.generate.TokenListener;
import dev.med42.model.KVCacheType;
import dev.med42.model.LlamaModel;
import dev.med42.tokenizer.SentencePieceTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * What the blocking and the streaming model share: the weights and sessions, the template, the defaults, the
 * disclaimer, and the steps of a chat (validate and map the request, generate, build the response). Immutable
 * but for the session pool, which is thread-safe, so one instance serves any number of threads.
 */
abstract class Med42BaseChatModel implements AutoCloseable {
    private final SessionPool sessions;
    private final LlamaModel ownedModel; // loaded from a path by this instance: closed with it
    private final boolean ownsSessions;
    private final String modelName;
    private final Med42ChatTemplate template;
    private final Generator generator;
    private final Disclaimer disclaimer;
    private final Med42ChatRequestParameters defaultRequestParameters;
    private final List<ChatModelListener> listeners;

    /** A validated request, ready to generate: the conversation and how to answer it. */
    record PreparedRequest(List<ChatMessage> messages, GenerationOptions options) {}

    Med42BaseChatModel(Builder<?, ?> builder) {
        int sources = (builder.modelPath != null ? 1 : 0)
                + (builder.model != null ? 1 : 0)
                + (builder.sessionPool != null ? 1 : 0);
        if (sources != 1) {
            throw new IllegalArgumentException(
                    "set exactly one of modelPath, model and sessionPool (got " + sources + ")");
        }
        if (builder.sessionPool != null
                && (builder.contextSize != null || builder.maxSessions != null || builder.kvCacheType != null)) {
            throw new IllegalArgumentException(
                    "contextSize, maxSessions and kvCacheType belong to the session pool: set them where it is made");
        }
        this.ownedModel = builder.modelPath != null ? load(builder.modelPath) : null;
        try {
            LlamaModel model = builder.model != null ? builder.model : ownedModel;
            this.ownsSessions = builder.sessionPool == null;
            this.sessions = ownsSessions
                    ? new SessionPool(
                            model,
                            requireNonNullElse(builder.maxSessions, 1),
                            requireNonNullElse(
                                    builder.contextSize, model.config().contextLength()),
                            requireNonNullElse(builder.kvCacheType, KVCacheType.F16))
                    : builder.sessionPool;
            LlamaModel served = sessions.model();
            this.modelName = modelName(served);
            this.template = builder.systemPrompt != null
                    ? new Med42ChatTemplate(builder.systemPrompt)
                    : Med42ChatTemplate.forModel(served.file()
                            .metadata()
                            .getString("tokenizer.chat_template")
                            .orElse(null));
            this.generator = new Generator(served);
            this.disclaimer = requireNonNullElse(builder.disclaimer, Disclaimer.DEFAULT);
            this.defaultRequestParameters = defaults(builder, modelName);
            this.listeners = List.copyOf(requireNonNullElse(builder.listeners, List.of()));
        } catch (RuntimeException | Error e) {
            if (ownedModel != null) {
                ownedModel.close();
            }
            throw e;
        }
    }

    private static LlamaModel load(Path path) {
        try {
            return LlamaModel.load(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the Med42 model " + path, e);
        }
    }

    /** The GGUF {@code general.name}, else the file name without its extension. */
    private static String modelName(LlamaModel model) {
        return model.file().metadata().getString("general.name").orElseGet(() -> {
            String file = model.file().path().getFileName().toString();
            return file.endsWith(".gguf") ? file.substring(0, file.length() - ".gguf".length()) : file;
        });
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

    /** The name of the served model: its GGUF {@code general.name}, else its file name. */
    public String modelName() {
        return modelName;
    }

    /** The context of each session in tokens: how long a conversation and its answer can be together. */
    public int contextSize() {
        return sessions.contextSize();
    }

    /** The disclaimer every answer carries. */
    public Disclaimer disclaimer() {
        return disclaimer;
    }

    /**
     * Counts tokens as this model does, for {@code TokenWindowChatMemory}: with the real tokenizer and template, and
     * without the disclaimer, which never reaches the model.
     */
    public Med42TokenCountEstimator tokenCountEstimator() {
        return new Med42TokenCountEstimator(sessions.model(), template, disclaimer);
    }

    public Med42ChatRequestParameters defaultRequestParameters() {
        return defaultRequestParameters;
    }

    public List<ChatModelListener> listeners() {
        return listeners;
    }

    /** Not one of LangChain4j's named providers: a local model. */
    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }

    /** None: Med42 cannot follow a JSON schema (nor call tools, which needs no capability to refuse). */
    public Set<Capability> supportedCapabilities() {
        return Set.of();
    }

    /**
     * Checks and maps a request before anything runs, so that an unsupported feature fails at once.
     *
     * @throws dev.langchain4j.exception.UnsupportedFeatureException for tools, JSON output, images and the like
     */
    PreparedRequest prepare(ChatRequest request) {
        ParameterMapper.validate(request.parameters(), modelName);
        List<ChatMessage> messages = MessageMapper.toMed42(request.messages(), disclaimer);
        GenerationOptions options = ParameterMapper.toGenerationOptions(request.parameters());
        return new PreparedRequest(messages, options);
    }

    /**
     * Renders and tokenizes the conversation, waits for a free session and generates the answer.
     *
     * @throws InvalidRequestException when the conversation leaves no room for an answer in the context
     */
    GenerationResult generate(PreparedRequest request, TokenListener listener, Cancellation cancellation) {
        int[] prompt = tokens(request.messages());
        if (prompt.length >= sessions.contextSize()) {
            throw new InvalidRequestException("the conversation is " + prompt.length
                    + " tokens, which leaves no room for an answer in the context of " + sessions.contextSize()
                    + " tokens: shorten the history (a TokenWindowChatMemory with this model's tokenCountEstimator()"
                    + " keeps it within a budget) or raise contextSize");
        }
        try (SessionPool.Lease lease = sessions.acquire(prompt)) {
            return generator.generate(lease.session(), prompt, request.options(), listener, cancellation);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LangChain4jException("interrupted while waiting for a free Med42 session", e);
        }
    }

    private int[] tokens(List<ChatMessage> messages) {
        SentencePieceTokenizer tokenizer = sessions.model().tokenizer();
        return template.render(messages)
                .toTokens(
                        (text, special) -> tokenizer.encode(text, false, special),
                        tokenizer.vocabulary().bos().orElse(1),
                        tokenizer.vocabulary().eos().orElse(2));
    }

    /** The response for an answer: the disclaimer in place, usage, finish reason, model name. */
    ChatResponse response(String answer, GenerationResult result) {
        Med42ChatResponseMetadata metadata = Med42ChatResponseMetadata.builder()
                .id(UUID.randomUUID().toString())
                .modelName(modelName)
                .tokenUsage(new TokenUsage(result.promptTokens(), result.generatedTokens()))
                .finishReason(finishReason(result.stopReason()))
                .disclaimer(disclaimer.enabled() ? disclaimer.text() : null)
                .timings(result.timings())
                .build();
        return ChatResponse.builder()
                .aiMessage(AiMessage.from(disclaimer.apply(answer)))
                .metadata(metadata)
                .build();
    }

    static FinishReason finishReason(StopReason reason) {
        return switch (reason) {
            case EOS, STOP_STRING -> FinishReason.STOP;
            case LENGTH, CONTEXT_FULL -> FinishReason.LENGTH;
            case CANCELLED -> FinishReason.OTHER;
        };
    }

    /** Frees the sessions this instance made and unmaps the model it loaded; shared ones are left to their owner. */
    @Override
    public void close() {
        if (ownsSessions) {
            sessions.close();
        }
        if (ownedModel != null) {
            ownedModel.close();
        }
    }

    /**
     * Options of both models. The model comes from exactly one of {@link #modelPath}, {@link #model} and {@link
     * #sessionPool}; every other option has a default.
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

        public abstract C build();
    }
}
