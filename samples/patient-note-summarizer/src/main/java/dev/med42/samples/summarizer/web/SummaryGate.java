package dev.med42.samples.summarizer.web;

import dev.med42.samples.summarizer.SummarizerProperties;
import dev.med42.samples.summarizer.summary.Progress;
import dev.med42.samples.summarizer.summary.SummaryListener;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * The bounded queue in front of the model: {@code summarizer.concurrency} summaries run, {@code
 * summarizer.queue-capacity} more wait their turn in arrival order, and any further request is refused at once, so
 * that no request waits without bound and a client can be told to come back later.
 */
@Component
public class SummaryGate {
    private final int capacity;
    private final Semaphore admitted;
    private final Semaphore running;

    public SummaryGate(SummarizerProperties properties) {
        this.capacity = properties.concurrency() + properties.queueCapacity();
        this.admitted = new Semaphore(capacity);
        this.running = new Semaphore(properties.concurrency(), true);
    }

    /**
     * A place in the queue, to be closed when the summary is done.
     *
     * @throws ModelBusyException when the queue is full
     */
    public Ticket admit() {
        if (!admitted.tryAcquire()) {
            throw new ModelBusyException();
        }
        return new Ticket();
    }

    /** The summaries admitted and not yet done: running and waiting. */
    public int admitted() {
        return capacity - admitted.availablePermits();
    }

    /** A place in the queue, then at the model. */
    public final class Ticket implements AutoCloseable {
        private boolean running;
        private boolean closed;

        private Ticket() {}

        /**
         * Waits for a place at the model, telling the listener when it has to wait.
         *
         * @throws CancellationException when the listener cancels while waiting
         */
        public void awaitTurn(SummaryListener listener) throws InterruptedException {
            if (SummaryGate.this.running.tryAcquire()) {
                running = true;
                return;
            }
            listener.onProgress(Progress.queued());
            while (!SummaryGate.this.running.tryAcquire(1, TimeUnit.SECONDS)) {
                if (listener.isCancelled()) {
                    throw new CancellationException("the summary is no longer wanted");
                }
            }
            running = true;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (running) {
                SummaryGate.this.running.release();
            }
            admitted.release();
        }
    }
}
