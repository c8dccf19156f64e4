package dev.med42.model;

/**
 * The Llama-2 forward pass over a batch of consecutive tokens, following llama.cpp's graph
 * (llm_build_llama): RMSNorm, Q/K/V projections, RoPE, grouped-query causal attention over the KV cache,
 * output projection and residual, RMSNorm, SwiGLU feed-forward and residual; then the final norm and the
 * output projection. Holds the scratch buffers of one session.
 */
final class Transformer {
    private final LlamaWeights weights;
    private final LlamaConfig config;
    private final KVCache cache;
    private final RopeTable rope;
    private final float attentionScale;

    // Scratch, (batch, width) row-major; grown on demand to the largest batch seen.
    private int capacity;
    private float[] x; // residual stream (batch, dim)
    private float[] xb; // normed input (batch, dim)
    private float[] q; // (batch, dim)
    private float[] k; // (batch, kvDim)
    private float[] v; // (batch, kvDim)
    private float[] attention; // attention output (batch, dim)
    private float[] projected; // (batch, dim)
    private float[] gate; // (batch, ffn)
    private float[] up; // (batch, ffn)
    private float[] scores; // (contextSize)

    Transformer(LlamaWeights weights, LlamaConfig config, int contextSize, KVCacheType kvCacheType) {
        this.weights = weights;
        this.config = config;
        this.cache = KVCache.allocate(kvCacheType, config, contextSize);
        this.rope =
                new RopeTable(contextSize, config.ropeDimensionCount(), config.ropeFreqBase(), config.ropeFreqScale());
        this.attentionScale = (float) (1.0 / Math.sqrt(config.headSize()));
        this.scores = new float[contextSize];
    }

    private void ensureCapacity(int batch) {
        if (batch <= capacity) {
            return;
        }
        int dim = config.embeddingLength();
        int kvDim = config.kvDimension();
        int ffn = config.feedForwardLength();
        x = new float[batch * dim];
        xb = new float[batch * dim];
        q = new float[batch * dim];
        k = new float[batch * kvDim];
        v = new float[batch * kvDim];
        attention = new float[batch * dim];
        projected = new float[batch * dim];
        gate = new float[batch * ffn];
        up = new float[batch * ffn];
        capacity = batch;
    }

    /** Runs {@code tokens} at positions {@code start ..} and returns the logits of every token or of the last. */
    float[][] forward(int[] tokens, int start, boolean allLogits) {
        int n = tokens.length;
        ensureCapacity(n);
        int dim = config.embeddingLength();
        int kvDim = config.kvDimension();
        int ffn = config.feedForwardLength();
        for (int t = 0; t < n; t++) {
            weights.tokenEmbedding().row(tokens[t], x, t * dim);
        }
        for (int b = 0; b < config.blockCount(); b++) {
            LlamaWeights.Block block = weights.blocks()[b];
            rmsNorm(x, block.attentionNorm(), xb, n);
            block.query().apply(xb, n, q);
            block.key().apply(xb, n, k);
            block.value().apply(xb, n, v);
            for (int t = 0; t < n; t++) {
                rope.rotate(q, t * dim, config.headCount(), config.headSize(), start + t);
                rope.rotate(k, t * kvDim, config.headCountKv(), config.headSize(), start + t);
                cache.store(b, start + t, k, t * kvDim, v, t * kvDim);
            }
            attend(b, n, start);
            block.attentionOutput().apply(attention, n, projected);
            add(x, projected, n * dim);

            rmsNorm(x, block.ffnNorm(), xb, n);
            block.ffnUp().apply(xb, n, up);
            block.ffnGate().apply(xb, n, gate);
            for (int i = 0; i < n * ffn; i++) {
                gate[i] = silu(gate[i]) * up[i];
            }
            block.ffnDown().apply(gate, n, projected);
            add(x, projected, n * dim);
        }
        int first = allLogits ? 0 : n - 1;
        int rows = n - first;
        float[] normed = new float[rows * dim];
        float[] last = new float[rows * dim];
        System.arraycopy(x, first * dim, last, 0, rows * dim);
        rmsNorm(last, weights.outputNorm(), normed, rows);
        int vocab = config.vocabularySize();
        float[] logits = new float[rows * vocab];
        weights.output().apply(normed, rows, logits);
        float[][] result = new float[rows][];
        for (int r = 0; r < rows; r++) {
            result[r] = java.util.Arrays.copyOfRange(logits, r * vocab, (r + 1) * vocab);
        }
        return result;
    }

    /** Causal grouped-query attention of every token of the batch over the cache. */
    private void attend(int block, int n, int start) {
        int dim = config.embeddingLength();
        int headSize = config.headSize();
        int group = config.queriesPerKvHead();
        for (int t = 0; t < n; t++) {
            int length = start + t + 1;
            for (int h = 0; h < config.headCount(); h++) {
                int offset = t * dim + h * headSize;
                cache.scores(block, h / group, headSize, q, offset, attentionScale, scores, length);
                softmax(scores, length);
                cache.weightedValues(block, h / group, headSize, scores, length, attention, offset);
            }
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
