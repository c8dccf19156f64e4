package dev.med42.model;

import dev.med42.gguf.GGUFFile;
import dev.med42.gguf.GGUFTensorInfo;
import dev.med42.quant.GGMLType;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The read-only weights of a Llama-2 model, by GGUF tensor name, views over the mapped file. Norm weights
 * (a few KB each) are copied to float arrays; matrices stay in the file.
 */
record LlamaWeights(Linear tokenEmbedding, Block[] blocks, float[] outputNorm, Linear output) {

    /** The weights of one transformer block, {@code blk.N.*}. */
    record Block(
            float[] attentionNorm,
            Linear query,
            Linear key,
            Linear value,
            Linear attentionOutput,
            float[] ffnNorm,
            Linear ffnGate,
            Linear ffnUp,
            Linear ffnDown) {}

    static LlamaWeights load(GGUFFile file, LlamaConfig config) {
        int dim = config.embeddingLength();
        int kv = config.kvDimension();
        int ffn = config.feedForwardLength();
        int vocab = config.vocabularySize();
        Block[] blocks = new Block[config.blockCount()];
        for (int i = 0; i < blocks.length; i++) {
            String p = "blk." + i + ".";
            blocks[i] = new Block(
                    vector(file, p + "attn_norm.weight", dim),
                    matrix(file, p + "attn_q.weight", dim, dim),
                    matrix(file, p + "attn_k.weight", dim, kv),
                    matrix(file, p + "attn_v.weight", dim, kv),
                    matrix(file, p + "attn_output.weight", dim, dim),
                    vector(file, p + "ffn_norm.weight", dim),
                    matrix(file, p + "ffn_gate.weight", dim, ffn),
                    matrix(file, p + "ffn_up.weight", dim, ffn),
                    matrix(file, p + "ffn_down.weight", ffn, dim));
        }
        Linear embedding = matrix(file, "token_embd.weight", dim, vocab);
        // Models with tied embeddings have no output.weight: the token embedding doubles as the classifier.
        Linear output =
                file.tensor("output.weight").isPresent() ? matrix(file, "output.weight", dim, vocab) : embedding;
        return new LlamaWeights(embedding, blocks, vector(file, "output_norm.weight", dim), output);
    }

    private static GGUFTensorInfo tensor(GGUFFile file, String name) {
        return file.tensor(name).orElseThrow(() -> new IllegalArgumentException("missing tensor " + name));
    }

    private static Linear matrix(GGUFFile file, String name, int columns, int rows) {
        GGUFTensorInfo info = tensor(file, name);
        long[] shape = info.shape();
        if (shape.length != 2 || shape[0] != columns || shape[1] != rows) {
            throw new IllegalArgumentException("tensor " + name + " has shape " + Arrays.toString(shape)
                    + ", expected [" + columns + ", " + rows + "]");
        }
        if (!info.type().isSupported()) {
            throw new IllegalArgumentException(
                    "tensor " + name + " has type " + info.type() + ", which this runtime cannot compute with");
        }
        return new Linear(info, file.tensorData(info));
    }

    private static float[] vector(GGUFFile file, String name, int length) {
        GGUFTensorInfo info = tensor(file, name);
        if (info.type() != GGMLType.F32 || info.elementCount() != length) {
            throw new IllegalArgumentException("tensor " + name + " must be F32 of " + length + " values, found "
                    + info.type() + " " + Arrays.toString(info.shape()));
        }
        return file.tensorData(info).toArray(ValueLayout.JAVA_FLOAT.withOrder(ByteOrder.LITTLE_ENDIAN));
    }
}
