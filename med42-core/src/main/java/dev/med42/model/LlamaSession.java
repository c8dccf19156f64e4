package dev.med42.model;

import java.util.Arrays;

/**
 * One conversation's state over a loaded {@link LlamaModel}: its KV cache, its position and its scratch
 * buffers. Feed it tokens with {@link #evaluate} or {@link #step}; they return the logits predicting the next
 * token.
 *
 * <p>Not thread-safe: one session is used by one thread at a time. Many sessions may run at once over the
 * same model, from several threads, since the weights are read-only.
 */
public final class LlamaSession implements AutoCloseable {
    /** Tokens evaluated together: enough to read each weight block once for many tokens. */
    static final int MICRO_BATCH = 128;

    private final LlamaModel model;
    private final int contextSize;
    private final KVCache cache;
    private final int[] tokens; // the tokens at positions 0 .. position-1, for prefix reuse
    private final int[] stepToken = new int[1];
    private int position;

    // Made on first direct use: a session driven by a BatchDecoder needs no scratch of its own.
    private Transformer transformer;
    private int[] batchPositions;
    private KVCache[] batchCaches;
    private int[] outputs;
    private float[] stepLogits;

    LlamaSession(LlamaModel model, int contextSize, KVCacheType kvCacheType) {
        this.model = model;
        this.contextSize = contextSize;
        this.cache = KVCache.allocate(kvCacheType, model.config(), contextSize);
        this.tokens = new int[contextSize];
    }

    private Transformer transformer() {
        if (transformer == null) {
            transformer = new Transformer(model, Math.min(MICRO_BATCH, contextSize), contextSize);
            batchPositions = new int[transformer.capacity()];
            batchCaches = new KVCache[transformer.capacity()];
            Arrays.fill(batchCaches, cache);
            outputs = new int[transformer.capacity()];
            for (int i = 0; i < outputs.length; i++) {
                outputs[i] = i;
            }
            stepLogits = new float[model.config().vocabularySize()];
        }
        return transformer;
    }

    public LlamaModel model() {
        return model;
    }

    /** The most tokens this session can hold. */
    public int contextSize() {
        return contextSize;
    }

    /** How many tokens the session holds: the position the next token will take. */
    public int position() {
        return position;
    }

    /** The KV cache's element type. */
    public KVCacheType kvCacheType() {
        return cache.type();
    }

    /**
     * Appends {@code tokens} at the current position and returns the logits after the last one (a new array of
     * vocabulary size).
     *
     * @throws ContextOverflowException when the tokens do not fit in the remaining context
     * @throws IllegalArgumentException when a token id is outside the vocabulary
     */
    public float[] evaluate(int[] tokens) {
        return evaluate(tokens, false)[0];
    }

    /**
     * Appends {@code tokens} and returns the logits after every one of them, {@code [tokens.length][vocab]} (when
     * {@code allLogits}), or only after the last (an array of one row).
     */
    public float[][] evaluate(int[] tokens, boolean allLogits) {
        check(tokens);
        Transformer transformer = transformer();
        int vocabulary = model.config().vocabularySize();
        float[][] result = new float[allLogits ? tokens.length : 1][];
        for (int from = 0; from < tokens.length; from += transformer.capacity()) {
            int n = Math.min(transformer.capacity(), tokens.length - from);
            boolean last = from + n == tokens.length;
            int outputCount = allLogits ? n : (last ? 1 : 0);
            float[] logits = new float[outputCount * vocabulary];
            if (!allLogits && last) {
                outputs[0] = n - 1;
            }
            run(Arrays.copyOfRange(tokens, from, from + n), outputCount, logits);
            outputs[0] = 0;
            for (int i = 0; i < outputCount; i++) {
                result[allLogits ? from + i : 0] = Arrays.copyOfRange(logits, i * vocabulary, (i + 1) * vocabulary);
            }
        }
        return result;
    }

    /**
     * Appends one token and returns the logits after it in a buffer that this session reuses: valid until the next
     * call. Allocates nothing: the generation loop's path.
     */
    public float[] step(int token) {
        stepToken[0] = token;
        check(stepToken);
        transformer();
        run(stepToken, 1, stepLogits);
        return stepLogits;
    }

    private void check(int[] tokens) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("no tokens to evaluate");
        }
        if (tokens.length > contextSize - position) {
            throw new ContextOverflowException(position, tokens.length, contextSize);
        }
        for (int token : tokens) {
            checkToken(token);
        }
    }

    void checkToken(int token) {
        int vocabulary = model.config().vocabularySize();
        if (token < 0 || token >= vocabulary) {
            throw new IllegalArgumentException("token id " + token + " is outside the vocabulary of " + vocabulary);
        }
    }

    KVCache cache() {
        return cache;
    }

    /** Records that a batch placed {@code token} at the current position. */
    void advance(int token) {
        tokens[position++] = token;
    }

    /** Runs one micro-batch at the current position. */
    private void run(int[] batch, int outputCount, float[] logits) {
        for (int i = 0; i < batch.length; i++) {
            batchPositions[i] = position + i;
        }
        try {
            transformer.forward(batch.length, batch, batchPositions, batchCaches, outputs, outputCount, logits);
        } catch (InternalError e) {
            throw model.truncation(e);
        }
        System.arraycopy(batch, 0, tokens, position, batch.length);
        position += batch.length;
    }

    /** How many leading tokens of {@code prompt} this session already holds at the same positions. */
    public int commonPrefixLength(int[] prompt) {
        int n = Math.min(position, prompt.length);
        int i = Arrays.mismatch(tokens, 0, n, prompt, 0, n);
        return i < 0 ? n : i;
    }

    /** The tokens the session holds, positions 0 to {@link #position()} - 1. */
    public int[] tokens() {
        return Arrays.copyOf(tokens, position);
    }

    /** Forgets every position from {@code newPosition} on, keeping the cache before it (for prefix reuse). */
    public void rewind(int newPosition) {
        if (newPosition < 0 || newPosition > position) {
            throw new IllegalArgumentException("cannot rewind to " + newPosition + " from position " + position);
        }
        position = newPosition;
    }

    /** Forgets everything: the next token goes to position 0. */
    public void reset() {
        position = 0;
    }

    @Override
    public void close() {
        position = 0;
    }
}
