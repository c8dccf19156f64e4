package dev.med42.generate;

/**
 * Lets another thread stop a generation: the generating thread checks it before every token and ends with
 * {@link StopReason#CANCELLED}. Thread-safe; once cancelled it stays cancelled.
 */
public final class Cancellation {
    private volatile boolean cancelled;

    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }
}
