package dev.med42.model;

import dev.med42.gguf.GGUFFile;
import dev.med42.gguf.GGUFTensorInfo;
import dev.med42.quant.GGMLType;
import dev.med42.quant.Kernels;
import dev.med42.quant.WeightMatrix;
import java.util.Arrays;

/**
 * The read-only weights of a Llama-2 model, by GGUF tensor name: matrices are views of the mapped file (nothing
 * is copied or converted); norm weights, a few KB each, are read into float arrays.
 */
record LlamaWeights(WeightMatrix tokenEmbedding, Block[] blocks, float[] outputNorm, WeightMatrix output) {

    /** The weights of one transformer block, {@code blk.N.*}. */
    record Block(
            float[] attentionNorm,
            WeightMatrix query,
            WeightMatrix key,
            WeightMatrix value,
            WeightMatrix attentionOutput,
            float[] ffnNorm,
            WeightMatrix ffnGate,
            WeightMatrix ffnUp,
            WeightMatrix ffnDown) {}

    /**
     * @throws IllegalArgumentException naming the tensor when one is missing, has the wrong shape, or has a type
     *     this runtime has no kernels for
     */
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
        WeightMatrix embedding = matrix(file, "token_embd.weight", dim, vocab);
        // Models with tied embeddings have no output.weight: the token embedding doubles as the classifier.
        WeightMatrix output =
                file.tensor("output.weight").isPresent() ? matrix(file, "output.weight", dim, vocab) : embedding;
        return new LlamaWeights(embedding, blocks, vector(file, "output_norm.weight", dim), output);
    }

    private static GGUFTensorInfo tensor(GGUFFile file, String name) {
        return file.tensor(name).orElseThrow(() -> new IllegalArgumentException("missing tensor " + name));
    }

    private static WeightMatrix matrix(GGUFFile file, String name, int columns, int rows) {
        GGUFTensorInfo info = tensor(file, name);
        long[] shape = info.shape();
        if (shape.length != 2 || shape[0] != columns || shape[1] != rows) {
            throw new IllegalArgumentException("tensor " + name + " has shape " + Arrays.toString(shape)
                    + ", expected [" + columns + ", " + rows + "]");
        }
        if (!info.type().isSupported()) {
            throw new IllegalArgumentException("tensor " + name + " has type " + info.type()
                    + ", which this runtime has no kernels for (supported: F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1,"
                    + " Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K)");
        }
        return WeightMatrix.of(file, info);
    }

    private static float[] vector(GGUFFile file, String name, int length) {
        GGUFTensorInfo info = tensor(file, name);
        if (info.elementCount() != length
                || info.type().isQuantized()
                || !info.type().isSupported()) {
            throw new IllegalArgumentException("tensor " + name + " must be a float vector of " + length
                    + " values, found " + info.type() + " " + Arrays.toString(info.shape()));
        }
        float[] values = new float[length];
        Kernels.dequantize(info.type(), file.tensorData(info), 0, values, 0, length);
        return values;
    }

    /** The type most of the weights are in (by bytes), e.g. Q4_K for a Q4_K_M file. */
    GGMLType dominantType() {
        var bytes = new java.util.EnumMap<GGMLType, Long>(GGMLType.class);
        for (Block b : blocks) {
            for (WeightMatrix m : new WeightMatrix[] {
                b.query(), b.key(), b.value(), b.attentionOutput(), b.ffnGate(), b.ffnUp(), b.ffnDown()
            }) {
                bytes.merge(m.type(), m.data().byteSize(), Long::sum);
            }
        }
        return bytes.entrySet().stream()
                .max(java.util.Map.Entry.comparingByValue())
                .orElseThrow()
                .getKey();
    }
}
