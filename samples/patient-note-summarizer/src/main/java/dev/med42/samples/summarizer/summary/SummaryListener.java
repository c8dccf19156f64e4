package dev.med42.samples.summarizer.summary;

/** Follows a summary as it is made, and may stop it. Called from the model's threads. */
public interface SummaryListener {
    /** Nothing to follow: for a caller that only wants the result. */
    SummaryListener NONE = new SummaryListener() {};

    /** A step starts. */
    default void onProgress(Progress progress) {}

    /** The current step's answer grew by {@code text}. */
    default void onToken(String text) {}

    /** Whether the summary is no longer wanted (the client went away): it stops before the next token. */
    default boolean isCancelled() {
        return false;
    }
}
