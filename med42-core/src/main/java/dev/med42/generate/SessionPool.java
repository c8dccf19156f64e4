package dev.med42.generate;

import dev.med42.model.KVCacheType;
import dev.med42.model.LlamaModel;
import dev.med42.model.LlamaSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded set of {@link LlamaSession}s over one model, lent to one caller at a time, so that many threads can
 * generate on one model without a KV cache each (Med42-70B's holds 1.3 GB at its 4096-token context).
 *
 * <p>A caller {@link #acquire acquires} a session for its prompt and waits while all are busy. Among the free
 * sessions it gets the one whose cached tokens share the longest prefix with the prompt, so that a conversation
 * coming back for its next turn re-evaluates only that turn. A new session is made, up to {@code maxSessions},
 * only when every free one would have to discard cached tokens to serve the prompt; sessions are never dropped,
 * so the pool holds at most {@code maxSessions} caches. Ties go to the session free the longest.
 *
 * <p>Thread-safe. Waiting is first come, first served.
 */
public final class SessionPool implements AutoCloseable {
    private final LlamaModel model;
    private final int maxSessions;
    private final int contextSize;
    private final KVCacheType kvCacheType;

    private final ReentrantLock lock = new ReentrantLock(true);
    private final Condition released = lock.newCondition();
    private final List<LlamaSession> idle = new ArrayList<>(); // free sessions, longest free first
    private int created;
    private boolean closed;

    /**
     * @param maxSessions the most sessions (and KV caches) the pool holds, at least 1
     * @param contextSize the context of each session in tokens
     */
    public SessionPool(LlamaModel model, int maxSessions, int contextSize, KVCacheType kvCacheType) {
        this.model = Objects.requireNonNull(model, "model");
        this.kvCacheType = Objects.requireNonNull(kvCacheType, "kvCacheType");
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions must be at least 1, got " + maxSessions);
        }
        if (contextSize < 1) {
            throw new IllegalArgumentException("contextSize must be positive, got " + contextSize);
        }
        this.maxSessions = maxSessions;
        this.contextSize = contextSize;
    }

    public LlamaModel model() {
        return model;
    }

    public int maxSessions() {
        return maxSessions;
    }

    /** The context of every session, in tokens. */
    public int contextSize() {
        return contextSize;
    }

    /** How many sessions exist now, busy or free. */
    public int sessions() {
        lock.lock();
        try {
            return created;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Lends a session for {@code prompt}, waiting until one is free. Close the lease to give it back.
     *
     * @throws InterruptedException when the thread is interrupted while it waits
     * @throws IllegalStateException when the pool is closed
     */
    public Lease acquire(int[] prompt) throws InterruptedException {
        Objects.requireNonNull(prompt, "prompt");
        lock.lockInterruptibly();
        try {
            while (true) {
                if (closed) {
                    throw new IllegalStateException("the session pool is closed");
                }
                LlamaSession best = bestIdle(prompt);
                boolean wouldDiscard = best == null || best.commonPrefixLength(prompt) < best.position();
                if (wouldDiscard && created < maxSessions) {
                    created++; // a place for a new session, made below outside the lock
                    break;
                }
                if (best != null) {
                    idle.remove(best);
                    return new Lease(best);
                }
                released.await();
            }
        } finally {
            lock.unlock();
        }
        try {
            return new Lease(model.newSession(contextSize, kvCacheType));
        } catch (RuntimeException | Error e) { // e.g. no memory for the cache: give the place back
            lock.lock();
            try {
                created--;
                released.signal();
            } finally {
                lock.unlock();
            }
            throw e;
        }
    }

    private LlamaSession bestIdle(int[] prompt) {
        LlamaSession best = null;
        int bestPrefix = -1;
        for (LlamaSession session : idle) {
            int prefix = session.commonPrefixLength(prompt);
            if (prefix > bestPrefix) {
                best = session;
                bestPrefix = prefix;
            }
        }
        return best;
    }

    private void release(LlamaSession session) {
        lock.lock();
        try {
            if (closed) {
                session.close();
                created--;
            } else {
                idle.add(session);
                released.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Closes the free sessions and, as they come back, the lent ones; waiting and later callers get an error. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            idle.forEach(LlamaSession::close);
            created -= idle.size();
            idle.clear();
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A session lent by the pool. Used by one thread; closing it gives the session back (once). */
    public final class Lease implements AutoCloseable {
        private LlamaSession session;

        private Lease(LlamaSession session) {
            this.session = session;
        }

        public LlamaSession session() {
            if (session == null) {
                throw new IllegalStateException("the session was given back");
            }
            return session;
        }

        @Override
        public void close() {
            if (session != null) {
                LlamaSession returned = session;
                session = null;
                release(returned);
            }
        }
    }
}
