package dev.med42.langchain4j;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The cancellation of one request, as a stream's {@code StreamingHandle} asks for it: a flag, and the actions that
 * stop the work at once wherever it is (the runtime's own cancellation, closing a connection). Thread-safe; once
 * cancelled it stays cancelled, and an action added after that runs at once.
 */
final class CancelSignal {
    private final CountDownLatch cancelled = new CountDownLatch(1);
    private final List<Runnable> actions = new ArrayList<>();

    void cancel() {
        List<Runnable> run;
        synchronized (this) {
            if (isCancelled()) {
                return;
            }
            cancelled.countDown();
            run = List.copyOf(actions);
            actions.clear();
        }
        run.forEach(Runnable::run);
    }

    boolean isCancelled() {
        return cancelled.getCount() == 0;
    }

    /** Runs {@code action} when the request is cancelled, or now if it is already. */
    void onCancel(Runnable action) {
        synchronized (this) {
            if (!isCancelled()) {
                actions.add(action);
                return;
            }
        }
        action.run();
    }

    /**
     * Waits {@code delay}, or less when the request is cancelled meanwhile.
     *
     * @return whether it is cancelled
     */
    boolean await(Duration delay) throws InterruptedException {
        return cancelled.await(delay.toNanos(), TimeUnit.NANOSECONDS);
    }
}
