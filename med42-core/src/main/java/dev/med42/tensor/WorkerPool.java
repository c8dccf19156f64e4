package dev.med42.tensor;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of threads that run one job split in parts: part 0 on the calling thread, part {@code i} on worker
 * {@code i}. Between jobs the workers spin for up to a millisecond (a forward pass issues matrix products back to
 * back), then park.
 * One job at a time; nothing is allocated per job.
 */
final class WorkerPool implements AutoCloseable {
    /** One part of a job. */
    @FunctionalInterface
    interface Job {
        void run(int part, int parts);
    }

    /**
     * How long a waiting thread spins before it parks. Long enough to cover the serial work between two products of a
     * token (a park and its wake-up cost tens of microseconds on a virtual machine): at 50 µs, generation parked
     * about 85 times a token; at 1 ms, a tenth as often.
     */
    private static final long SPIN_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Thread[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Job job;
    private volatile int generation;
    private volatile Thread caller;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean closed;

    WorkerPool(int threads, String name) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int part = i + 1;
            workers[i] = Thread.ofPlatform().name(name + "-" + part).daemon().unstarted(() -> work(part));
            workers[i].start();
        }
    }

    int threads() {
        return workers.length + 1;
    }

    /** Runs {@code job} on every thread and returns when all parts are done, rethrowing the first failure. */
    void run(Job job) {
        if (closed) {
            throw new IllegalStateException("worker pool is closed");
        }
        int parts = threads();
        if (parts == 1) {
            job.run(0, 1);
            return;
        }
        this.job = job;
        this.caller = Thread.currentThread();
        pending.set(parts - 1);
        generation++; // publishes the fields above to the workers
        for (Thread worker : workers) {
            LockSupport.unpark(worker);
        }
        try {
            job.run(0, parts);
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
        long start = System.nanoTime();
        while (pending.get() != 0) {
            if (System.nanoTime() - start < SPIN_NANOS) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
        this.job = null;
        Throwable t = failure.getAndSet(null);
        if (t != null) {
            if (t instanceof RuntimeException e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(t);
        }
    }

    private void work(int part) {
        int seen = 0;
        while (true) {
            long start = System.nanoTime();
            int current;
            while ((current = generation) == seen) {
                if (closed) {
                    return;
                }
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            seen = current;
            try {
                job.run(part, workers.length + 1);
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
            if (pending.decrementAndGet() == 0) {
                LockSupport.unpark(caller);
            }
        }
    }

    /** Stops the workers. Idempotent. */
    @Override
    public void close() {
        closed = true;
        for (Thread worker : workers) {
            LockSupport.unpark(worker);
        }
    }
}
