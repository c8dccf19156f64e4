package dev.med42.model;

import java.util.Arrays;

/**
 * One conversation's state over a loaded {@link LlamaModel}: its KV cache, its position and its scratch
 * buffers. Feed it tokens with {@link #evaluate}; it returns the logits predicting the next token.
 *
 * <p>Not thread-safe: one session is used by one thread at a time. Many sessions may run at once over the
 * same model, from several threads, since the weights are read-only.
 */
public final class LlamaSession implements AutoCloseable {
    /** Tokens evaluated together: enough to read each weight block once for many tokens. */
    static final int MICRO_BATCH = 128;

    private final LlamaModel model;
    private final Transformer transformer;
    private final int contextSize;
    private final int[] tokens; // the tokens at positions 0 .. position-1, for prefix reuse
    private int position;

    LlamaSession(LlamaModel model, int contextSize, KVCacheType kvCacheType) {
        this.model = model;
        this.contextSize = contextSize;
        this.tokens = new int[contextSize];
        this.transformer = new Transformer(model.weights(), model.config(), contextSize, kvCacheType);
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

    /**
     * Appends {@code tokens} at the current position and returns the logits after the last one (a new
     * array of vocabulary size).
     *
     * @throws ContextOverflowException when the tokens do not fit in the remaining context
     * @throws IllegalArgumentException when a token id is outside the vocabulary
     */
    public float[] evaluate(int[] tokens) {
        float[][] logits = evaluate(tokens, false);
        return logits[logits.length - 1];
    }

    /**
     * Appends {@code tokens} and returns the logits after every one of them, {@code [tokens.length][vocab]}
     * (when {@code allLogits}), or only after the last (an array of one row).
     */
    public float[][] evaluate(int[] tokens, boolean allLogits) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("no tokens to evaluate");
        }
        if (tokens.length > contextSize - position) {
            throw new ContextOverflowException(position, tokens.length, contextSize);
        }
        int vocabulary = model.config().vocabularySize();
        for (int token : tokens) {
            if (token < 0 || token >= vocabulary) {
                throw new IllegalArgumentException("token id " + token + " is outside the vocabulary of " + vocabulary);
            }
        }
        // Micro-batches bound the scratch memory; each token's result does not depend on how they are cut.
        float[][] logits = new float[allLogits ? tokens.length : 1][];
        for (int from = 0; from < tokens.length; from += MICRO_BATCH) {
            int to = Math.min(tokens.length, from + MICRO_BATCH);
            boolean last = to == tokens.length;
            float[][] part = transformer.forward(Arrays.copyOfRange(tokens, from, to), position, allLogits);
            if (allLogits) {
                System.arraycopy(part, 0, logits, from, part.length);
            } else if (last) {
                logits[0] = part[part.length - 1];
            }
            System.arraycopy(tokens, from, this.tokens, position, to - from);
            position = position + to - from;
        }
        return logits;
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
