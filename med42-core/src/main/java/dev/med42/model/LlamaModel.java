package dev.med42.model;

import dev.med42.gguf.GGUFFile;
import dev.med42.tokenizer.SentencePieceTokenizer;
import dev.med42.tokenizer.Vocabulary;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A loaded Llama-2 model: the mapped GGUF file, its config and weights. Loading maps the file and reads the
 * tensor table; nothing is converted. Thread-safe: any number of {@link LlamaSession}s may run over it at
 * once. Closing it unmaps the file; sessions must not be used after that.
 */
public final class LlamaModel implements AutoCloseable {
    private final GGUFFile file;
    private final LlamaConfig config;
    private final LlamaWeights weights;
    private final SentencePieceTokenizer tokenizer;

    private LlamaModel(GGUFFile file, LlamaConfig config, LlamaWeights weights, SentencePieceTokenizer tokenizer) {
        this.file = file;
        this.config = config;
        this.weights = weights;
        this.tokenizer = tokenizer;
    }

    /**
     * Maps a GGUF file and checks that it holds a Llama-2 model this runtime can run.
     *
     * @throws dev.med42.gguf.GGUFFormatException when the file is not valid GGUF or not a usable Llama model
     */
    public static LlamaModel load(Path path) throws IOException {
        GGUFFile file = GGUFFile.open(path);
        try {
            LlamaConfig config = LlamaConfig.fromMetadata(file.metadata());
            SentencePieceTokenizer tokenizer = new SentencePieceTokenizer(Vocabulary.from(file.metadata()));
            return new LlamaModel(file, config, LlamaWeights.load(file, config), tokenizer);
        } catch (IllegalArgumentException e) {
            file.close();
            throw new dev.med42.gguf.GGUFFormatException(path, 0, e.getMessage());
        } catch (RuntimeException | Error e) {
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

    LlamaWeights weights() {
        return weights;
    }

    /** A new session with the model's trained context and an F16 KV cache (llama.cpp's defaults). */
    public LlamaSession newSession() {
        return newSession(config.contextLength(), KVCacheType.F16);
    }

    public LlamaSession newSession(int contextSize, KVCacheType kvCacheType) {
        if (contextSize <= 0) {
            throw new IllegalArgumentException("context size must be positive: " + contextSize);
        }
        return new LlamaSession(this, contextSize, kvCacheType);
    }

    @Override
    public void close() {
        file.close();
    }
}
