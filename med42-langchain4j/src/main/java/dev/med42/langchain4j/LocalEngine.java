package dev.med42.langchain4j;

import static java.util.Objects.requireNonNullElse;

import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import dev.med42.chat.Disclaimer;
import dev.med42.chat.Med42ChatTemplate;
import dev.med42.chat.Prompt;
import dev.med42.generate.Cancellation;
import dev.med42.generate.GenerationOptions;
import dev.med42.generate.GenerationResult;
import dev.med42.generate.Generator;
import dev.med42.generate.SessionPool;
import dev.med42.generate.StopReason;
import dev.med42.model.KVCacheType;
import dev.med42.model.LlamaModel;
import dev.med42.tokenizer.SentencePieceTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * The embedded runtime: the weights and the sessions (KV caches) in this JVM. It closes what it was made to own (a
 * model it loaded, a pool it made) and leaves what it was given to its owner.
 */
final class LocalEngine implements Engine {
    // Platform threads: generation keeps a core busy for its whole length, which virtual threads are not for.
    private static final ThreadFactory THREADS =
            Thread.ofPlatform().name("med42-streaming-", 0).daemon(true).factory();

    private final SessionPool sessions;
    private final LlamaModel ownedModel;
    private final boolean ownsSessions;
    private final Generator generator;
    private final String modelName;

    private LocalEngine(LlamaModel ownedModel, SessionPool sessions, boolean ownsSessions) {
        this.ownedModel = ownedModel;
        this.sessions = sessions;
        this.ownsSessions = ownsSessions;
        LlamaModel served = sessions.model();
        this.generator = new Generator(served);
        this.modelName = modelName(served);
    }

    /**
     * An engine on exactly one of a file to load, a loaded model and a session pool (the others null). The session
     * settings, for a pool made here, default to the model's trained context, one session and an F16 cache.
     */
    static LocalEngine of(
            Path modelPath,
            LlamaModel model,
            SessionPool sessionPool,
            Integer contextSize,
            Integer maxSessions,
            KVCacheType kvCacheType) {
        if (sessionPool != null) {
            if (contextSize != null || maxSessions != null || kvCacheType != null) {
                throw new IllegalArgumentException("contextSize, maxSessions and kvCacheType belong to the session"
                        + " pool: set them where it is made");
            }
            return new LocalEngine(null, sessionPool, false);
        }
        LlamaModel owned = modelPath != null ? load(modelPath) : null;
        try {
            LlamaModel served = model != null ? model : owned;
            SessionPool sessions = new SessionPool(
                    served,
                    requireNonNullElse(maxSessions, 1),
                    requireNonNullElse(contextSize, served.config().contextLength()),
                    requireNonNullElse(kvCacheType, KVCacheType.F16));
            return new LocalEngine(owned, sessions, true);
        } catch (RuntimeException | Error e) {
            if (owned != null) {
                owned.close();
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

    @Override
    public String modelName() {
        return modelName;
    }

    /** The built-in template, with a warning when the file's own template is not Med42's. */
    @Override
    public Med42ChatTemplate defaultTemplate() {
        return Med42ChatTemplate.forModel(sessions.model()
                .file()
                .metadata()
                .getString("tokenizer.chat_template")
                .orElse(null));
    }

    /**
     * Tokenizes the conversation, waits for a free session and generates the answer.
     *
     * @throws InvalidRequestException when the conversation leaves no room for an answer in the context
     */
    @Override
    public Answer generate(Prompt prompt, GenerationOptions options, Consumer<String> pieces, CancelSignal cancel) {
        int[] tokens = tokens(prompt);
        if (tokens.length >= sessions.contextSize()) {
            throw new InvalidRequestException("the conversation is " + tokens.length
                    + " tokens, which leaves no room for an answer in the context of " + sessions.contextSize()
                    + " tokens: shorten the history (a TokenWindowChatMemory with this model's tokenCountEstimator()"
                    + " keeps it within a budget) or raise contextSize");
        }
        Cancellation cancellation = new Cancellation();
        cancel.onCancel(cancellation::cancel);
        GenerationResult result;
        try (SessionPool.Lease lease = sessions.acquire(tokens)) {
            result = generator.generate(
                    lease.session(), tokens, options, (token, text) -> pieces.accept(text), cancellation);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LangChain4jException("interrupted while waiting for a free Med42 session", e);
        }
        return new Answer(
                UUID.randomUUID().toString(),
                modelName,
                result.text(),
                new TokenUsage(result.promptTokens(), result.generatedTokens()),
                finishReason(result.stopReason()),
                result.timings());
    }

    private int[] tokens(Prompt prompt) {
        SentencePieceTokenizer tokenizer = sessions.model().tokenizer();
        return prompt.toTokens(
                (text, special) -> tokenizer.encode(text, false, special),
                tokenizer.vocabulary().bos().orElse(1),
                tokenizer.vocabulary().eos().orElse(2));
    }

    static FinishReason finishReason(StopReason reason) {
        return switch (reason) {
            case EOS, STOP_STRING -> FinishReason.STOP;
            case LENGTH, CONTEXT_FULL -> FinishReason.LENGTH;
            case CANCELLED -> FinishReason.OTHER;
        };
    }

    @Override
    public ThreadFactory streamThreads() {
        return THREADS;
    }

    @Override
    public int contextSize() {
        return sessions.contextSize();
    }

    @Override
    public Med42TokenCountEstimator tokenCountEstimator(Med42ChatTemplate template, Disclaimer disclaimer) {
        return new Med42TokenCountEstimator(sessions.model(), template, disclaimer);
    }

    /** Frees the sessions this engine made and unmaps the model it loaded; shared ones are left to their owner. */
    @Override
    public void close() {
        if (ownsSessions) {
            sessions.close();
        }
        if (ownedModel != null) {
            ownedModel.close();
        }
    }
}
