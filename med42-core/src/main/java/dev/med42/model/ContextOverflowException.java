package dev.med42.model;

/** Tokens that do not fit in a session's context. The message names both sizes. */
public final class ContextOverflowException extends IllegalArgumentException {
    private final int used;
    private final int requested;
    private final int contextSize;

    public ContextOverflowException(int used, int requested, int contextSize) {
        super(
                used == 0
                        ? "the prompt is " + requested + " tokens, longer than the context of " + contextSize
                                + " tokens"
                        : requested + " more tokens do not fit: " + used + " of the context's " + contextSize
                                + " tokens are already used");
        this.used = used;
        this.requested = requested;
        this.contextSize = contextSize;
    }

    /** Tokens already in the context. */
    public int used() {
        return used;
    }

    /** Tokens that were to be added. */
    public int requested() {
        return requested;
    }

    public int contextSize() {
        return contextSize;
    }
}
