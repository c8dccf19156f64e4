package dev.med42.generate;

/** Why a generation ended. */
public enum StopReason {
    /** The model wrote its end-of-sequence token. */
    EOS,
    /** A stop string appeared in the text (it is not part of the result). */
    STOP_STRING,
    /** The token limit was reached. */
    LENGTH,
    /** The context filled up before the model finished. */
    CONTEXT_FULL,
    /** The caller cancelled it. */
    CANCELLED
}
