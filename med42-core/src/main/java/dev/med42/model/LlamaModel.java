package dev.med42.model;

import dev.med42.gguf.GGUFFile;
import dev.med42.gguf.GGUFFormatException;
import dev.med42.quant.GGMLType;
import dev.med42.tensor.MatMul;
import dev.med42.tokenizer.SentencePieceTokenizer;
import dev.med42.tokenizer.Vocabulary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A loaded Llama-2 model: the mapped GGUF file, its config, weights and tokenizer, and the threads that compute
 * with them. Loading maps the file and reads the tensor table; nothing is copied or converted, so it takes
 * milliseconds whatever the size. Thread-safe: any number of {@link LlamaSession}s may run over it at once (their
 * matrix products take turns on the model's threads). Closing it stops the threads and unmaps the file; sessions
 * must not be used after that.
 */
public final class LlamaModel implements AutoCloseable {
    private final GGUFFile file;
    private final LlamaConfig config;
    private final LlamaWeights weights;
    private final SentencePieceTokenizer tokenizer;
    private final MatMul matMul;
    private RopeTable rope;

    private LlamaModel(
            GGUFFile file, LlamaConfig config, LlamaWeights weights, SentencePieceTokenizer tokenizer, MatMul matMul) {
        this.file = file;
        this.config = config;
        this.weights = weights;
        this.tokenizer = tokenizer;
        this.matMul = matMul;
    }

    /** Loads a model with one compute thread per available processor (or {@code -Dmed42.threads}). */
    public static LlamaModel load(Path path) throws IOException {
        return load(path, MatMul.defaultThreads());
    }

    /**
     * Maps a GGUF file and checks that it holds a Llama-2 model this runtime can run.
     *
     * @param threads the compute threads (llama.cpp's {@code -t})
     * @throws GGUFFormatException when the file is not valid GGUF or not a usable Llama-2 model (the message says
     *     why: a missing tensor, an unsupported type or architecture, ...)
     * @throws IOException when the file cannot be read
     */
    public static LlamaModel load(Path path, int threads) throws IOException {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        GGUFFile file = GGUFFile.open(path);
        try {
            LlamaConfig config;
            LlamaWeights weights;
            SentencePieceTokenizer tokenizer;
            try {
                config = LlamaConfig.fromMetadata(file.metadata());
                tokenizer = new SentencePieceTokenizer(Vocabulary.from(file.metadata()));
                weights = LlamaWeights.load(file, config);
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                throw new GGUFFormatException(file.path(), 0, "not a usable Llama-2 model: " + e.getMessage());
            }
            return new LlamaModel(file, config, weights, tokenizer, new MatMul(threads));
        } catch (IOException | RuntimeException | Error e) {
            file.close();
            throw e;
        }
    }

    public LlamaConfig config() {
        return config;
    }

    public GGUFFile file() {
        return file;
    }

    /** The model's tokenizer, built from its GGUF vocabulary. */
    public SentencePieceTokenizer tokenizer() {
        return tokenizer;
    }

    /** The compute threads. */
    public int threads() {
        return matMul.threads();
    }

    /** The ggml type most of the block weights are in (Q4_K for a Q4_K_M file). */
    public GGMLType weightType() {
        return weights.dominantType();
    }

    /** A name for messages and APIs: {@code general.name}, else the file name. */
    public String name() {
        return file.metadata()
                .getString("general.name")
                .orElse(file.path().getFileName().toString());
    }

    LlamaWeights weights() {
        return weights;
    }

    MatMul matMul() {
        return matMul;
    }

    /**
     * What a forward pass that failed with {@code e} throws: a {@link ModelFileTruncatedException} when the file is now
     * shorter than its mapping (reading its lost pages is what fails), else {@code e} itself, rethrown here.
     */
    ModelFileTruncatedException truncation(InternalError e) {
        List<Path> truncated = file.truncatedParts();
        if (truncated.isEmpty()) {
            throw e;
        }
        return new ModelFileTruncatedException(truncated, e);
    }

    /**
     * RoPE angles for positions up to at least {@code contextSize}, shared by every session. Sized by the sessions'
     * contexts, not the trained one: a file may claim any {@code llama.context_length}.
     */
    synchronized RopeTable rope(int contextSize) {
        if (rope == null || rope.positions() < contextSize) {
            rope = new RopeTable(
                    contextSize, config.ropeDimensionCount(), config.ropeFreqBase(), config.ropeFreqScale());
        }
        return rope;
    }

    /** A new session with the model's trained context and an F16 KV cache (llama.cpp's defaults). */
    public LlamaSession newSession() {
        return newSession(config.contextLength(), KVCacheType.F16);
    }

    /**
     * A new session. Its KV cache takes {@link KVCacheType#bytesFor} bytes of heap.
     *
     * @throws IllegalArgumentException when the context size is not positive, or so large that one block's keys
     *     would not fit in a Java array (a file may claim any trained context, the default)
     */
    public LlamaSession newSession(int contextSize, KVCacheType kvCacheType) {
        if (contextSize <= 0) {
            throw new IllegalArgumentException("context size must be positive: " + contextSize);
        }
        if ((long) contextSize * config.kvDimension() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("context size " + contextSize + " is too large for this model: one"
                    + " block's keys would be more than 2^31 values");
        }
        return new LlamaSession(this, contextSize, kvCacheType);
    }

    @Override
    public void close() {
        matMul.close();
        file.close();
    }
}
