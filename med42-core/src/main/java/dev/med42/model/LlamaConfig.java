package dev.med42.model;

import dev.med42.gguf.GGUFMetadata;
import java.util.Locale;

/**
 * The hyper-parameters of a Llama-2 model, read from the {@code llama.*} GGUF metadata with llama.cpp's
 * defaults where a key is absent. Med42-70B: 8192 embedding, 80 blocks, 64 query heads over 8 KV heads,
 * feed-forward 28672, context 4096.
 *
 * @param contextLength the trained context ({@code llama.context_length})
 * @param embeddingLength the model width ({@code llama.embedding_length})
 * @param blockCount the number of transformer blocks ({@code llama.block_count})
 * @param feedForwardLength the FFN hidden width ({@code llama.feed_forward_length})
 * @param headCount query heads ({@code llama.attention.head_count})
 * @param headCountKv key/value heads ({@code llama.attention.head_count_kv}; defaults to headCount)
 * @param ropeDimensionCount dimensions rotated per head ({@code llama.rope.dimension_count}; defaults to the
 *     head size)
 * @param ropeFreqBase RoPE base frequency ({@code llama.rope.freq_base}, default 10000)
 * @param ropeFreqScale RoPE linear position scale, 1 / {@code llama.rope.scaling.factor} (default 1)
 * @param rmsNormEpsilon RMSNorm epsilon ({@code llama.attention.layer_norm_rms_epsilon}, default 1e-5)
 * @param vocabularySize tokens in the vocabulary (the tokenizer's token list, else {@code llama.vocab_size})
 */
public record LlamaConfig(
        int contextLength,
        int embeddingLength,
        int blockCount,
        int feedForwardLength,
        int headCount,
        int headCountKv,
        int ropeDimensionCount,
        float ropeFreqBase,
        float ropeFreqScale,
        float rmsNormEpsilon,
        int vocabularySize) {

    public LlamaConfig {
        require(contextLength > 0, "llama.context_length must be positive: " + contextLength);
        require(embeddingLength > 0, "llama.embedding_length must be positive: " + embeddingLength);
        require(blockCount > 0, "llama.block_count must be positive: " + blockCount);
        require(feedForwardLength > 0, "llama.feed_forward_length must be positive: " + feedForwardLength);
        require(
                headCount > 0 && embeddingLength % headCount == 0,
                "llama.attention.head_count " + headCount + " must divide the embedding length " + embeddingLength);
        require(
                headCountKv > 0 && headCount % headCountKv == 0,
                "llama.attention.head_count_kv " + headCountKv + " must divide the head count " + headCount);
        int headSize = embeddingLength / headCount;
        require(
                ropeDimensionCount > 0 && ropeDimensionCount <= headSize && ropeDimensionCount % 2 == 0,
                "llama.rope.dimension_count " + ropeDimensionCount + " must be even and at most the head size "
                        + headSize);
        require(ropeFreqBase > 0 && Float.isFinite(ropeFreqBase), "llama.rope.freq_base must be positive");
        require(ropeFreqScale > 0 && Float.isFinite(ropeFreqScale), "the RoPE scaling factor must be positive");
        require(rmsNormEpsilon > 0 && Float.isFinite(rmsNormEpsilon), "the RMSNorm epsilon must be positive");
        require(vocabularySize > 0, "the vocabulary size must be positive: " + vocabularySize);
    }

    /**
     * Reads the config from GGUF metadata.
     *
     * @throws IllegalArgumentException when the architecture is not {@code llama}, a required key is missing, or a
     *     value is inconsistent; the message names the key
     */
    public static LlamaConfig fromMetadata(GGUFMetadata metadata) {
        String architecture = metadata.getString("general.architecture").orElse("(none)");
        require(
                architecture.equals("llama"),
                "unsupported architecture " + architecture
                        + ": this runtime runs Llama-2 models (general.architecture = llama)");
        int embedding = requiredInt(metadata, "llama.embedding_length");
        int heads = requiredInt(metadata, "llama.attention.head_count");
        int vocabulary = metadata.getArray("tokenizer.ggml.tokens")
                .map(a -> a.size())
                .orElseGet(() -> optionalInt(metadata, "llama.vocab_size", 0));
        return new LlamaConfig(
                requiredInt(metadata, "llama.context_length"),
                embedding,
                requiredInt(metadata, "llama.block_count"),
                requiredInt(metadata, "llama.feed_forward_length"),
                heads,
                optionalInt(metadata, "llama.attention.head_count_kv", heads),
                optionalInt(metadata, "llama.rope.dimension_count", heads > 0 ? embedding / heads : 0),
                (float) metadata.getNumber("llama.rope.freq_base").orElse(10000.0),
                ropeFreqScale(metadata),
                (float) metadata.getNumber("llama.attention.layer_norm_rms_epsilon")
                        .orElse(1e-5),
                vocabulary);
    }

    /** Linear RoPE scaling: {@code llama.rope.scaling.type = linear} with a factor, or the older scale_linear. */
    private static float ropeFreqScale(GGUFMetadata metadata) {
        String type =
                metadata.getString("llama.rope.scaling.type").orElse("linear").toLowerCase(Locale.ROOT);
        double factor = metadata.getNumber("llama.rope.scaling.factor")
                .orElse(metadata.getNumber("llama.rope.scale_linear").orElse(0.0));
        if (type.equals("none") || factor == 0.0) {
            return 1.0f;
        }
        require(
                type.equals("linear"),
                "unsupported llama.rope.scaling.type " + type + " (this runtime supports none and linear)");
        return (float) (1.0 / factor);
    }

    /** The size of one attention head (embedding length / head count). */
    public int headSize() {
        return embeddingLength / headCount;
    }

    /** The width of the key and value projections (KV heads × head size). */
    public int kvDimension() {
        return headCountKv * headSize();
    }

    /** How many query heads share one KV head (8 for Med42-70B). */
    public int queriesPerKvHead() {
        return headCount / headCountKv;
    }

    private static int requiredInt(GGUFMetadata metadata, String key) {
        long value =
                metadata.getInteger(key).orElseThrow(() -> new IllegalArgumentException("missing metadata key " + key));
        return toInt(key, value);
    }

    private static int optionalInt(GGUFMetadata metadata, String key, int defaultValue) {
        return metadata.getInteger(key).isPresent()
                ? toInt(key, metadata.getInteger(key).getAsLong())
                : defaultValue;
    }

    private static int toInt(String key, long value) {
        require(value >= 0 && value <= Integer.MAX_VALUE, key + " is out of range: " + value);
        return (int) value;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
