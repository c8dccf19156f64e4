package dev.med42.generate;

import dev.med42.model.BatchDecoder;
import dev.med42.model.ContextOverflowException;
import dev.med42.model.KVCacheType;
import dev.med42.model.LlamaModel;
import dev.med42.model.LlamaSession;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Continuous batching: one thread decodes every active sequence together, one token per generating sequence plus
 * prompt chunks of newly admitted ones, up to a token budget per step, so that each weight matrix is read once per
 * step for all of them. Sequences join and leave between steps.
 *
 * <p>Each sequence runs in a slot: a session with its own KV cache and positions. A sequence's tokens are computed
 * exactly as if it ran alone (the products do not depend on the batch), so with temperature 0 it gives the text it
 * gives alone. A new request takes the free slot whose cached tokens share the longest prefix with its prompt (the
 * Med42 system prompt, a shared instruction) and evaluates only the rest: the prefix cache.
 *
 * <p>Requests beyond the free slots wait in a bounded queue; beyond that, {@link #submit} refuses them with a
 * {@link SchedulerFullException}. Cancelling a request frees its slot at the next step. Thread-safe.
 */
public final class BatchScheduler implements AutoCloseable {

    /**
     * @param slots sequences decoded at once, each with a KV cache of {@code contextSize} tokens
     * @param contextSize the context of each slot
     * @param kvCacheType the KV cache element type
     * @param tokenBudget the most tokens evaluated per step (generated tokens plus prompt chunks)
     * @param queueLimit the most requests waiting for a slot
     */
    public record Options(int slots, int contextSize, KVCacheType kvCacheType, int tokenBudget, int queueLimit) {
        public Options {
            Objects.requireNonNull(kvCacheType, "kvCacheType");
            if (slots < 1 || contextSize < 1 || queueLimit < 0) {
                throw new IllegalArgumentException("slots and contextSize must be positive, queueLimit not negative");
            }
            if (tokenBudget < slots) {
                throw new IllegalArgumentException(
                        "the token budget (" + tokenBudget + ") must cover one token per slot (" + slots + ")");
            }
        }
    }

    /** A submitted generation: its eventual result, and a way to cancel it. */
    public static final class Request {
        private final int[] prompt;
        private final GenerationOptions options;
        private final TokenListener listener;
        private final LogitsListener logitsListener;
        private final boolean promptLogits;
        private final Cancellation cancellation = new Cancellation();
        private final CompletableFuture<GenerationResult> result = new CompletableFuture<>();
        private Slot slot;
        private Completion completion;
        private int prefilled; // prompt tokens in the slot's cache
        private int reused;
        private int next = -1; // the generated token to evaluate next
        private long admitted;
        private long firstToken;

        private Request(
                int[] prompt,
                GenerationOptions options,
                TokenListener listener,
                LogitsListener logitsListener,
                boolean promptLogits) {
            this.prompt = prompt;
            this.options = options;
            this.listener = listener;
            this.logitsListener = logitsListener;
            this.promptLogits = promptLogits;
        }

        /** Completes with the result, or exceptionally if the generation failed. */
        public CompletableFuture<GenerationResult> result() {
            return result;
        }

        /** Stops the generation at the next step (with {@link StopReason#CANCELLED}) and frees its slot. */
        public void cancel() {
            cancellation.cancel();
        }

        public boolean isCancelled() {
            return cancellation.isCancelled();
        }
    }

    private static final class Slot {
        final LlamaSession session;
        Request request;
        long freeSince;

        Slot(LlamaSession session) {
            this.session = session;
        }
    }

    private final LlamaModel model;
    private final Options options;
    private final List<Slot> slots = new ArrayList<>();
    private final BatchDecoder batch;
    private final ArrayDeque<Request> waiting = new ArrayDeque<>();
    private final List<Request> active = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Thread thread;
    private final float[] logits;
    private volatile boolean closed;
    private long clock;

    public BatchScheduler(LlamaModel model, Options options) {
        this.model = Objects.requireNonNull(model, "model");
        this.options = Objects.requireNonNull(options, "options");
        for (int i = 0; i < options.slots(); i++) {
            slots.add(new Slot(model.newSession(options.contextSize(), options.kvCacheType())));
        }
        this.batch = new BatchDecoder(model, options.tokenBudget(), options.contextSize());
        this.logits = new float[model.config().vocabularySize()];
        this.thread = Thread.ofPlatform().name("med42-scheduler").daemon().start(this::loop);
    }

    public Options options() {
        return options;
    }

    /**
     * Queues a generation of {@code prompt}. The listener is called on the scheduler's thread: it must return
     * quickly (hand the text to another thread to write to a slow client).
     *
     * @throws ContextOverflowException when the prompt does not fit in a slot's context
     * @throws SchedulerFullException when every slot is busy and the queue is full
     */
    public Request submit(int[] prompt, GenerationOptions options, TokenListener listener) {
        return submit(prompt, options, listener, LogitsListener.NONE, false);
    }

    /**
     * Queues a generation whose logits {@code logitsListener} sees as well (on the scheduler's thread, like the
     * token listener).
     *
     * @param promptLogits whether to compute the logits after every prompt token too, for the log probabilities of
     *     the prompt: the prompt is then evaluated whole, without the prefix cache
     * @throws ContextOverflowException when the prompt does not fit in a slot's context
     * @throws SchedulerFullException when every slot is busy and the queue is full
     */
    public Request submit(
            int[] prompt,
            GenerationOptions options,
            TokenListener listener,
            LogitsListener logitsListener,
            boolean promptLogits) {
        Objects.requireNonNull(logitsListener, "logitsListener");
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt has no tokens");
        }
        if (prompt.length > this.options.contextSize()) {
            throw new ContextOverflowException(0, prompt.length, this.options.contextSize());
        }
        Request request = new Request(prompt.clone(), options, listener, logitsListener, promptLogits);
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the scheduler is closed");
            }
            long free = slots.stream().filter(s -> s.request == null).count();
            if (waiting.size() >= free + this.options.queueLimit()) {
                throw new SchedulerFullException(active.size(), waiting.size());
            }
            waiting.add(request);
            work.signal();
        } finally {
            lock.unlock();
        }
        return request;
    }

    /** Sequences being decoded now. */
    public int activeRequests() {
        lock.lock();
        try {
            return active.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Requests taken and not yet done, decoding or waiting: at most the slots plus the queue limit. (Waiting requests
     * alone may exceed the queue limit for a moment: those about to take a slot freed since the last step.)
     */
    public int pendingRequests() {
        lock.lock();
        try {
            return active.size() + waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /** Requests waiting for a slot. */
    public int waitingRequests() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        while (true) {
            lock.lock();
            try {
                admit();
                while (active.isEmpty() && !closed) {
                    work.awaitUninterruptibly();
                    admit();
                }
                if (closed) {
                    break;
                }
            } finally {
                lock.unlock();
            }
            try {
                step();
            } catch (RuntimeException | Error e) {
                fail(e);
            }
        }
        failAll(new CancellationException("the scheduler was closed"));
    }

    /** Moves waiting requests into free slots, each into the slot that caches most of its prompt. */
    private void admit() {
        while (!waiting.isEmpty()) {
            Request request = waiting.peek();
            Slot best = null;
            int bestPrefix = -1;
            for (Slot slot : slots) {
                if (slot.request != null) {
                    continue;
                }
                int prefix = slot.session.commonPrefixLength(request.prompt);
                if (prefix > bestPrefix || (prefix == bestPrefix && slot.freeSince < best.freeSince)) {
                    best = slot;
                    bestPrefix = prefix;
                }
            }
            if (best == null) {
                return;
            }
            waiting.poll();
            if (request.isCancelled()) {
                request.result.completeExceptionally(new CancellationException("cancelled while waiting for a slot"));
                continue;
            }
            // Keep the cached prefix, but evaluate at least the last prompt token to get its logits (and every one
            // when their logits are wanted).
            request.reused = request.promptLogits ? 0 : Math.min(bestPrefix, request.prompt.length - 1);
            best.session.rewind(request.reused);
            request.prefilled = request.reused;
            request.slot = best;
            request.admitted = System.nanoTime();
            request.completion = new Completion(
                    model,
                    request.prompt,
                    options.contextSize(),
                    request.options,
                    request.listener,
                    request.logitsListener,
                    request.cancellation);
            best.request = request;
            active.add(request);
        }
    }

    /** One forward pass over every active sequence, then one sampling step for each that has logits. */
    private void step() {
        List<Request> running;
        lock.lock();
        try {
            running = new ArrayList<>(active);
        } finally {
            lock.unlock();
        }
        int budget = options.tokenBudget();
        int[] rows = new int[running.size()];
        Arrays.fill(rows, -1);
        // Prompt rows whose logits a request asked for: chunkRows[i] rows from batch index chunkStart[i], for the
        // prompt positions from chunkFrom[i].
        int[] chunkStart = new int[running.size()];
        int[] chunkFrom = new int[running.size()];
        int[] chunkRows = new int[running.size()];
        // Generating sequences first: one token each, always within the budget (slots <= budget).
        for (int i = 0; i < running.size(); i++) {
            Request r = running.get(i);
            if (r.isCancelled()) {
                continue;
            }
            if (r.next >= 0) {
                rows[i] = batch.add(r.slot.session, r.next, true);
                budget--;
            }
        }
        // Then prompt chunks, in order of arrival, as far as the budget goes.
        for (int i = 0; i < running.size() && budget > 0; i++) {
            Request r = running.get(i);
            if (r.isCancelled() || r.next >= 0 || r.prefilled == r.prompt.length) {
                continue;
            }
            int n = Math.min(budget, r.prompt.length - r.prefilled);
            chunkStart[i] = batch.size();
            chunkFrom[i] = r.prefilled;
            for (int k = 0; k < n; k++) {
                boolean last = r.prefilled + k == r.prompt.length - 1;
                int index = batch.add(r.slot.session, r.prompt[r.prefilled + k], last || r.promptLogits);
                if (last) {
                    rows[i] = index;
                }
            }
            if (r.promptLogits) {
                chunkRows[i] = rows[i] >= 0 ? n - 1 : n; // the last prompt token's row is the one sampled from
            }
            r.prefilled += n;
            budget -= n;
        }
        try {
            batch.run();
            for (int i = 0; i < running.size(); i++) {
                Request r = running.get(i);
                try {
                    if (r.isCancelled()) {
                        r.completion.end(StopReason.CANCELLED);
                        finish(r);
                        continue;
                    }
                    for (int k = 0; k < chunkRows[i]; k++) {
                        batch.logits(chunkStart[i] + k, logits);
                        r.logitsListener.onPromptLogits(chunkFrom[i] + k, logits);
                    }
                    if (rows[i] >= 0) {
                        batch.logits(rows[i], logits);
                        if (r.firstToken == 0) {
                            r.firstToken = System.nanoTime();
                        }
                        LlamaSession session = r.slot.session;
                        r.next = r.completion.next(logits, session.position() >= session.contextSize());
                        if (r.next < 0) {
                            finish(r);
                        }
                    }
                } catch (RuntimeException | Error e) {
                    // A listener that throws ends its own request only.
                    fail(r, e);
                }
            }
        } finally {
            batch.clear();
        }
    }

    private void finish(Request r) {
        long now = System.nanoTime();
        long first = r.firstToken == 0 ? now : r.firstToken;
        Timings timings = new Timings(
                r.prompt.length - r.reused, first - r.admitted, r.completion.generatedTokens(), now - first);
        release(r);
        r.result.complete(r.completion.result(timings));
    }

    private void release(Request r) {
        lock.lock();
        try {
            active.remove(r);
            r.slot.request = null;
            r.slot.freeSince = ++clock;
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /** A failed forward pass fails every sequence that was in it; their slots are reset. */
    private void fail(Throwable e) {
        List<Request> failed;
        lock.lock();
        try {
            failed = new ArrayList<>(active);
        } finally {
            lock.unlock();
        }
        failed.forEach(r -> fail(r, e));
    }

    private void fail(Request r, Throwable e) {
        r.slot.session.reset();
        release(r);
        r.result.completeExceptionally(e);
    }

    private void failAll(Throwable e) {
        lock.lock();
        try {
            for (Request r : active) {
                r.result.completeExceptionally(e);
            }
            for (Request r : waiting) {
                r.result.completeExceptionally(e);
            }
            active.clear();
            waiting.clear();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Fails what is queued or running (with a {@link CancellationException}) and stops the scheduler's thread; the
     * model stays open.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            work.signal();
        } finally {
            lock.unlock();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        slots.forEach(s -> s.session.close());
    }
}
