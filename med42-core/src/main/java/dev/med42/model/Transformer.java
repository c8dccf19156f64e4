package dev.med42.model;

import dev.med42.quant.GGMLType;
import dev.med42.quant.WeightMatrix;
import dev.med42.tensor.MatMul;

/**
 * The Llama-2 forward pass over a batch of tokens, following llama.cpp's graph (llm_build_llama): RMSNorm, Q/K/V
 * projections, RoPE, grouped-query causal attention over the KV cache, output projection and residual, RMSNorm,
 * SwiGLU feed-forward and residual; then the final norm and the output projection.
 *
 * <p>A batch may mix sequences: token {@code i} goes to position {@code positions[i]} of {@code caches[i]}. Every
 * weight matrix is read once for the whole batch, and each token's result does not depend on what else is in it.
 * An instance holds the scratch buffers for up to {@code capacity} tokens and is used by one thread at a time.
 */
final class Transformer {
    private final LlamaConfig config;
    private final LlamaWeights weights;
    private final MatMul matMul;
    private final RopeTable rope;
    private final float attentionScale;
    private final int capacity;

    // Scratch, (token, width) row-major.
    private final float[] x; // residual stream (n, dim)
    private final float[] xb; // normed input of the next products (n, dim)
    private final float[] q; // (n, dim)
    private final float[] k; // (n, kvDim)
    private final float[] v; // (n, kvDim)
    private final float[] attention; // attention output (n, dim)
    private final float[] projected; // (n, dim)
    private final float[] gate; // (n, ffn)
    private final float[] up; // (n, ffn)
    private final float[][] scores; // per thread: (maxContext)
    private final float[][] queries; // per thread: (headSize), the query as the cache's type
    private final MatrixInput normedInput;
    private final MatrixInput attentionInput;
    private final MatrixInput ffnInput;

    // the arguments of fused products, reused
    private final WeightMatrix[] pair = new WeightMatrix[2];
    private final WeightMatrix[] triple = new WeightMatrix[3];
    private final float[][] pairOut = new float[2][];
    private final float[][] tripleOut = new float[3][];

    private final MatMul.RangeTask attendTask = this::attend;
    private final MatMul.RangeTask swigluTask = this::swiglu;

    // The batch being run, for the parallel attention task.
    private int batchSize;
    private int[] batchPositions;
    private KVCache[] batchCaches;
    private int batchBlock;

    Transformer(LlamaModel model, int capacity, int maxContext) {
        this.config = model.config();
        this.weights = model.weights();
        this.matMul = model.matMul();
        this.capacity = capacity;
        this.rope = model.rope(maxContext);
        this.attentionScale = (float) (1.0 / Math.sqrt(config.headSize()));
        int dim = config.embeddingLength();
        int kvDim = config.kvDimension();
        int ffn = config.feedForwardLength();
        x = new float[capacity * dim];
        xb = new float[capacity * dim];
        q = new float[capacity * dim];
        k = new float[capacity * kvDim];
        v = new float[capacity * kvDim];
        attention = new float[capacity * dim];
        projected = new float[capacity * dim];
        gate = new float[capacity * ffn];
        up = new float[capacity * ffn];
        scores = new float[matMul.threads()][maxContext];
        queries = new float[matMul.threads()][config.headSize()];
        normedInput = new MatrixInput(dim, capacity);
        attentionInput = new MatrixInput(dim, capacity);
        ffnInput = new MatrixInput(ffn, capacity);
    }

    int capacity() {
        return capacity;
    }

    /**
     * Runs {@code n} tokens and writes the logits of the tokens listed in {@code outputs} (ascending indices, {@code
     * outputCount} of them) to {@code logits}, one row of vocabulary size after another.
     */
    void forward(
            int n, int[] tokens, int[] positions, KVCache[] caches, int[] outputs, int outputCount, float[] logits) {
        int dim = config.embeddingLength();
        int kvDim = config.kvDimension();
        int ffn = config.feedForwardLength();
        for (int t = 0; t < n; t++) {
            weights.tokenEmbedding().dequantizeRow(tokens[t], x, t * dim);
        }
        batchSize = n;
        batchPositions = positions;
        batchCaches = caches;
        for (int b = 0; b < config.blockCount(); b++) {
            LlamaWeights.Block block = weights.blocks()[b];
            rmsNorm(x, block.attentionNorm(), xb, n);
            normedInput.set(xb, 0, n);
            multiply(block.query(), block.key(), block.value(), normedInput, q, k, v);
            for (int t = 0; t < n; t++) {
                rope.rotate(q, t * dim, config.headCount(), config.headSize(), positions[t]);
                rope.rotate(k, t * kvDim, config.headCountKv(), config.headSize(), positions[t]);
                caches[t].store(b, positions[t], k, t * kvDim, v, t * kvDim);
            }
            batchBlock = b;
            matMul.parallelFor(n * config.headCount(), attendTask);
            attentionInput.set(attention, 0, n);
            multiply(block.attentionOutput(), attentionInput, projected);
            add(x, projected, n * dim);

            rmsNorm(x, block.ffnNorm(), xb, n);
            normedInput.set(xb, 0, n);
            multiply(block.ffnUp(), block.ffnGate(), null, normedInput, up, gate, null);
            matMul.parallelFor(n * ffn, swigluTask);
            ffnInput.set(gate, 0, n);
            multiply(block.ffnDown(), ffnInput, projected);
            add(x, projected, n * dim);
        }
        batchCaches = null;
        batchPositions = null;
        if (outputCount == 0) {
            return;
        }
        for (int i = 0; i < outputCount; i++) {
            System.arraycopy(x, outputs[i] * dim, projected, i * dim, dim);
        }
        rmsNorm(projected, weights.outputNorm(), xb, outputCount);
        normedInput.set(xb, 0, outputCount);
        multiply(weights.output(), normedInput, logits);
    }

    private void multiply(WeightMatrix weights, MatrixInput input, float[] out) {
        matMul.multiply(weights, input.forWeights(weights.type()), out);
    }

    /**
     * Two or three products of one input (c may be null) as one job when their activations are of one type, so that
     * the threads do not wait for each other between them.
     */
    private void multiply(
            WeightMatrix a,
            WeightMatrix b,
            WeightMatrix c,
            MatrixInput input,
            float[] outA,
            float[] outB,
            float[] outC) {
        GGMLType form = a.type().vecDotType();
        if (b.type().vecDotType() != form || (c != null && c.type().vecDotType() != form)) {
            multiply(a, input, outA);
            multiply(b, input, outB);
            if (c != null) {
                multiply(c, input, outC);
            }
            return;
        }
        WeightMatrix[] matrices = c == null ? pair : triple;
        float[][] outs = c == null ? pairOut : tripleOut;
        matrices[0] = a;
        matrices[1] = b;
        outs[0] = outA;
        outs[1] = outB;
        if (c != null) {
            matrices[2] = c;
            outs[2] = outC;
        }
        matMul.multiply(matrices, input.forWeights(a.type()), outs);
    }

    /** Attention of (token, head) pairs {@code from .. to-1}: scores over the token's cache, softmax, values. */
    private void attend(int from, int to, int part) {
        int dim = config.embeddingLength();
        int headSize = config.headSize();
        int heads = config.headCount();
        int group = config.queriesPerKvHead();
        float[] s = scores[part];
        for (int i = from; i < to; i++) {
            int t = i / heads;
            int h = i % heads;
            int length = batchPositions[t] + 1;
            int offset = t * dim + h * headSize;
            KVCache cache = batchCaches[t];
            cache.scores(batchBlock, h / group, headSize, q, offset, attentionScale, s, length, queries[part]);
            softmax(s, length);
            cache.weightedValues(batchBlock, h / group, headSize, s, length, attention, offset);
        }
    }

    /** gate = silu(gate) * up, as llama.cpp's LLM_FFN_SILU with LLM_FFN_PAR. */
    private void swiglu(int from, int to, int part) {
        for (int i = from; i < to; i++) {
            gate[i] = silu(gate[i]) * up[i];
        }
    }

    /** ggml's soft_max: subtract the max, exponentiate, sum in double, scale by the reciprocal. */
    static void softmax(float[] values, int length) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < length; i++) {
            max = Math.max(max, values[i]);
        }
        double sum = 0;
        for (int i = 0; i < length; i++) {
            float e = (float) Math.exp(values[i] - max);
            values[i] = e;
            sum += e;
        }
        float scale = (float) (1.0 / sum);
        for (int i = 0; i < length; i++) {
            values[i] *= scale;
        }
    }

    /** ggml's rms_norm followed by the elementwise norm weight: the mean of squares is summed in double. */
    private void rmsNorm(float[] in, float[] weight, float[] out, int n) {
        int dim = weight.length;
        for (int t = 0; t < n; t++) {
            int base = t * dim;
            double sum = 0;
            for (int i = 0; i < dim; i++) {
                float v = in[base + i];
                sum += v * v;
            }
            float mean = (float) (sum / dim);
            float scale = (float) (1.0f / Math.sqrt(mean + config.rmsNormEpsilon()));
            for (int i = 0; i < dim; i++) {
                out[base + i] = in[base + i] * scale * weight[i];
            }
        }
    }

    private static void add(float[] into, float[] values, int length) {
        for (int i = 0; i < length; i++) {
            into[i] += values[i];
        }
    }

    static float silu(float x) {
        return x / (1.0f + (float) Math.exp(-x));
    }
}
