package dev.med42.model;

import java.util.Arrays;

/**
 * Evaluates tokens of many sessions together, so that each weight matrix is read once per step for all of them
 * (continuous batching): the batch holds one token of every generating sequence and prompt chunks of newly
 * arrived ones. Each token is computed exactly as if its session ran alone.
 *
 * <p>{@link #add} tokens (a session's tokens in order), {@link #run} them, read each wanted row with {@link
 * #logits}, then add the next batch. Every session advances by the tokens added for it. Not thread-safe: one
 * thread drives it; sessions in a batch must not be used elsewhere meanwhile.
 */
public final class BatchDecoder {
    private final LlamaModel model;
    private final Transformer transformer;
    private final int vocabulary;
    private final int[] tokens;
    private final int[] positions;
    private final LlamaSession[] sessions;
    private final KVCache[] caches;
    private final int[] outputs;
    private final int[] outputRow; // for each added token: its row in logits, or -1
    private final float[] logits;
    private int size;
    private int outputCount;

    /**
     * @param capacity the most tokens in one batch (the token budget per step)
     * @param maxContext the largest context of the sessions it will run
     */
    public BatchDecoder(LlamaModel model, int capacity, int maxContext) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.model = model;
        this.transformer = new Transformer(model, capacity, maxContext);
        this.vocabulary = model.config().vocabularySize();
        this.tokens = new int[capacity];
        this.positions = new int[capacity];
        this.sessions = new LlamaSession[capacity];
        this.caches = new KVCache[capacity];
        this.outputs = new int[capacity];
        this.outputRow = new int[capacity];
        this.logits = new float[capacity * vocabulary];
    }

    public int capacity() {
        return tokens.length;
    }

    /** Tokens added since the last run. */
    public int size() {
        return size;
    }

    /**
     * Adds {@code token} as the next token of {@code session}.
     *
     * @param wantLogits whether to compute the logits after it (the last prompt token and generated tokens)
     * @return the index of this token in the batch, to read its logits after {@link #run}
     * @throws IllegalStateException when the batch is full
     * @throws ContextOverflowException when the session has no room for another token
     */
    public int add(LlamaSession session, int token, boolean wantLogits) {
        if (session.model() != model) {
            throw new IllegalArgumentException("the session belongs to another model");
        }
        if (size == tokens.length) {
            throw new IllegalStateException("the batch is full: " + size + " tokens");
        }
        session.checkToken(token);
        int position = session.position() + pending(session);
        if (position >= session.contextSize()) {
            throw new ContextOverflowException(session.position(), pending(session) + 1, session.contextSize());
        }
        tokens[size] = token;
        positions[size] = position;
        sessions[size] = session;
        caches[size] = session.cache();
        outputRow[size] = wantLogits ? outputCount : -1;
        if (wantLogits) {
            outputs[outputCount++] = size;
        }
        return size++;
    }

    private int pending(LlamaSession session) {
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (sessions[i] == session) {
                n++;
            }
        }
        return n;
    }

    /** Evaluates the batch; every session advances by the tokens added for it. */
    public void run() {
        if (size == 0) {
            return;
        }
        try {
            transformer.forward(size, tokens, positions, caches, outputs, outputCount, logits);
        } catch (InternalError e) {
            throw model.truncation(e);
        }
        for (int i = 0; i < size; i++) {
            sessions[i].advance(tokens[i]);
        }
    }

    /**
     * Copies the logits after the token at {@code index} of the last run into {@code out}.
     *
     * @throws IllegalArgumentException when that token was added without wanting its logits
     */
    public void logits(int index, float[] out) {
        int row = outputRow[index];
        if (index >= size || row < 0) {
            throw new IllegalArgumentException("no logits were asked for the token at " + index);
        }
        System.arraycopy(logits, row * vocabulary, out, 0, vocabulary);
    }

    /** Empties the batch for the next step. */
    public void clear() {
        Arrays.fill(sessions, 0, size, null);
        Arrays.fill(caches, 0, size, null);
        size = 0;
        outputCount = 0;
    }
}
