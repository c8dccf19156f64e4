package dev.med42.generate;

import java.util.concurrent.RejectedExecutionException;

/** Every slot is busy and the waiting queue is full: try again later (an HTTP server answers 429). */
public final class SchedulerFullException extends RejectedExecutionException {
    public SchedulerFullException(int active, int waiting) {
        super("the model is busy: " + active + " sequences running and " + waiting + " waiting, the queue is full");
    }
}
