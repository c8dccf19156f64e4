package dev.med42.sampling;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Chooses each next token from a row of logits with llama.cpp's default chain (commit c392e50, {@code
 * common/sampling.cpp} and {@code src/llama-sampling.cpp}), in its order:
 *
 * <ol>
 *   <li>penalties for the last {@code repeatLastN} tokens: a repeated token's logit is divided by the repeat
 *       penalty when positive and multiplied by it otherwise (so it always drops), then {@code count ×
 *       frequencyPenalty + presencePenalty} is subtracted;
 *   <li>top-k, on the penalised logits;
 *   <li>top-p: softmax, then the smallest most-likely-first prefix whose probability reaches p;
 *   <li>min-p: drop tokens whose logit is below {@code maxLogit + ln(minP)}, that is whose probability is
 *       below {@code minP × pMax};
 *   <li>temperature, then a draw from the softmax of what is left.
 * </ol>
 *
 * With {@code temperature <= 0} the result is what llama.cpp's chain gives there (its temperature stage keeps
 * only the top logit): the highest penalised logit, with ties going to the lowest id; no random number is used.
 *
 * <p>Feed it every token of the context with {@link #accept(int[])} before the first {@link #sample}, as
 * llama.cpp's {@code main} does, so that the penalties see the prompt too; {@link #sample} remembers the
 * tokens it returns. A NaN logit counts as {@code -Infinity} (never chosen); tokens at {@code +Infinity}
 * share all the probability; a row with no finite or {@code +Infinity} logit is rejected.
 *
 * <p>The same seed and the same inputs give the same tokens: the draws come from {@link Random}, whose
 * algorithm is fixed by its specification on every JVM (not llama.cpp's mt19937, so the tokens differ from
 * llama.cpp's for the same seed). A token costs a pass over the row plus O(V log k) for top-k (a heap, not a
 * sort); top-p without top-k sorts the best 256 first and the whole row only if they fall short, as llama.cpp
 * does. The buffers are allocated once, so {@link #sample} allocates nothing.
 *
 * <p>An instance belongs to one generation: it holds the recent tokens, the random state and scratch buffers.
 * It is not thread-safe.
 */
public final class Sampler {
    private static final float NEG_INF = Float.NEGATIVE_INFINITY;

    private final SamplingParameters parameters;
    private final int vocabularySize;
    private final long seed;
    private final Random random;

    // Stage settings as float, the precision llama.cpp computes in.
    private final float temperature;
    private final float topP;
    private final float minP;
    private final float repeatPenalty;
    private final float frequencyPenalty;
    private final float presencePenalty;

    // The penalty window: a ring of the last `recent.length` tokens and how often each token occurs in it.
    // Null when every penalty is off.
    private final int[] recent;
    private final int[] counts;
    private int recentNext;
    private int recentSize;

    // The candidates of the current step, candidates[0..size), as keys (see key()); `sorted` when best first.
    private final long[] candidates;
    private final float[] weights;
    private int size;
    private boolean sorted;

    /**
     * @param vocabularySize the length of every logits row
     * @param contextLength the context size, which {@code repeatLastN = -1} stands for; a larger {@code
     *     repeatLastN} is cut to it (no more tokens can be in view)
     */
    public Sampler(SamplingParameters parameters, int vocabularySize, int contextLength) {
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        if (vocabularySize <= 0) {
            throw new IllegalArgumentException("vocabularySize must be > 0, got " + vocabularySize);
        }
        if (contextLength <= 0) {
            throw new IllegalArgumentException("contextLength must be > 0, got " + contextLength);
        }
        this.vocabularySize = vocabularySize;
        this.seed = parameters.seed() == SamplingParameters.RANDOM_SEED
                ? ThreadLocalRandom.current().nextLong(1L << 32) // a uint32, like llama.cpp's seeds
                : parameters.seed();
        this.random = new Random(seed);
        this.temperature = (float) parameters.temperature();
        this.topP = (float) parameters.topP();
        this.minP = (float) parameters.minP();
        this.repeatPenalty = (float) parameters.repeatPenalty();
        this.frequencyPenalty = (float) parameters.frequencyPenalty();
        this.presencePenalty = (float) parameters.presencePenalty();

        int window = parameters.repeatLastN() == -1 ? contextLength : Math.min(parameters.repeatLastN(), contextLength);
        boolean penalising = repeatPenalty != 1 || frequencyPenalty != 0 || presencePenalty != 0;
        this.recent = window > 0 && penalising ? new int[window] : null;
        this.counts = recent != null ? new int[vocabularySize] : null;

        this.candidates = new long[vocabularySize];
        this.weights = new float[vocabularySize];
    }

    public SamplingParameters parameters() {
        return parameters;
    }

    /** The seed in use: the given one, or the random one drawn for {@code seed = -1} (log it to replay a run). */
    public long seed() {
        return seed;
    }

    /** Remembers a token of the context for the penalties (a prompt token, or one not chosen by this sampler). */
    public void accept(int token) {
        Objects.checkIndex(token, vocabularySize);
        if (recent == null) {
            return;
        }
        if (recentSize == recent.length) {
            counts[recent[recentNext]]--;
        } else {
            recentSize++;
        }
        recent[recentNext] = token;
        counts[token]++;
        recentNext = (recentNext + 1) % recent.length;
    }

    /** Remembers the tokens of the context, in order. */
    public void accept(int[] tokens) {
        for (int token : tokens) {
            accept(token);
        }
    }

    /**
     * Chooses the next token and remembers it for the penalties. {@code logits} is read, not changed.
     *
     * @throws IllegalArgumentException if the row has the wrong length or every logit is NaN or -Infinity
     */
    public int sample(float[] logits) {
        int token = filter(logits) ? token(candidates[0]) : draw();
        accept(token);
        return token;
    }

    /**
     * The tokens the next {@link #sample} would choose from, after every stage, with their probabilities
     * (best first when the stages sorted them). Neither draws nor remembers anything. Allocates: for
     * inspection and tests, not for the generation loop.
     */
    public List<Candidate> distribution(float[] logits) {
        if (filter(logits)) {
            return List.of(new Candidate(token(candidates[0]), logit(candidates[0]), 1.0));
        }
        double sum = computeWeights();
        List<Candidate> result = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            result.add(new Candidate(token(candidates[i]), logit(candidates[i]), weights[i] / sum));
        }
        return result;
    }

    /**
     * A token the next draw may choose.
     *
     * @param logit after the penalties, before the temperature
     * @param probability after the temperature, over the candidates left
     */
    public record Candidate(int token, float logit, double probability) {}

    /** Loads the row and runs the stages; true when greedy, with the answer in candidates[0]. */
    private boolean filter(float[] logits) {
        if (logits.length != vocabularySize) {
            throw new IllegalArgumentException(
                    "expected " + vocabularySize + " logits (the vocabulary size), got " + logits.length);
        }
        long best = load(logits);
        if (logit(best) == NEG_INF) {
            throw new IllegalArgumentException("no token can be sampled: every logit is NaN or -Infinity");
        }
        if (parameters.greedy()) {
            candidates[0] = best;
            size = 1;
            return true;
        }
        topK(parameters.topK());
        topP();
        minP();
        return false;
    }

    /** Fills the candidates with every token's penalised logit; returns the best key. */
    private long load(float[] logits) {
        long best = Long.MAX_VALUE;
        for (int token = 0; token < vocabularySize; token++) {
            float logit = logits[token];
            if (Float.isNaN(logit)) {
                logit = NEG_INF;
            }
            if (counts != null && counts[token] > 0) {
                logit = penalise(logit, counts[token]);
            }
            long key = key(logit, token);
            candidates[token] = key;
            best = Math.min(best, key);
        }
        size = vocabularySize;
        sorted = false;
        return best;
    }

    private float penalise(float logit, int count) {
        // Dividing a negative logit would raise it, so llama.cpp multiplies those instead.
        float penalised = logit <= 0 ? logit * repeatPenalty : logit / repeatPenalty;
        return penalised - (count * frequencyPenalty + presencePenalty);
    }

    private void topK(int k) {
        if (k > 0 && k < size) {
            sortBest(k);
            size = k;
            sorted = true;
        }
    }

    private void topP() {
        if (topP >= 1) {
            return;
        }
        float max = maxLogit();
        float sum = 0;
        for (int i = 0; i < size; i++) {
            sum += weight(logit(candidates[i]), max, 1);
        }
        // Like llama.cpp: sort only the best 256 of a long list first; the whole list only if they fall short.
        int ready = sorted ? size : sortBest(size > 1024 ? 256 : size);
        float cumulative = 0;
        for (int i = 0; i < size; i++) {
            if (i == ready) {
                ready = sortBest(size);
            }
            cumulative += weight(logit(candidates[i]), max, 1) / sum;
            if (cumulative >= topP) {
                size = i + 1;
                break;
            }
        }
        sorted = true;
    }

    private void minP() {
        if (minP <= 0) {
            return;
        }
        float threshold = maxLogit() + (float) Math.log(minP);
        if (sorted) {
            int kept = 1; // the best one always stays
            while (kept < size && logit(candidates[kept]) >= threshold) {
                kept++;
            }
            size = kept;
        } else {
            int kept = 0;
            for (int i = 0; i < size; i++) {
                if (logit(candidates[i]) >= threshold) {
                    candidates[kept++] = candidates[i];
                }
            }
            size = kept;
        }
    }

    private int draw() {
        double target = random.nextDouble() * computeWeights();
        double cumulative = 0;
        for (int i = 0; i < size; i++) {
            cumulative += weights[i];
            // '>' rather than '>=': a zero-weight token is never chosen, even for a draw of exactly 0.
            if (cumulative > target) {
                return token(candidates[i]);
            }
        }
        return token(candidates[size - 1]); // unreachable: the last step adds up to the whole sum
    }

    /** Fills weights[0..size) with the unnormalised probabilities at the temperature; returns their sum. */
    private double computeWeights() {
        float max = maxLogit();
        double sum = 0;
        for (int i = 0; i < size; i++) {
            float weight = weight(logit(candidates[i]), max, temperature);
            weights[i] = weight;
            sum += weight;
        }
        return sum;
    }

    /**
     * {@code exp((logit - max) / T)}, the softmax numerator. The best token weighs exactly 1, which keeps
     * {@code +Infinity} logits meaningful (∞ - ∞ would be NaN); (logit - max) / T rather than llama.cpp's
     * logit / T - max / T, which is the same value but overflows for huge logits.
     */
    private static float weight(float logit, float max, float temperature) {
        return logit == max ? 1 : (float) Math.exp((logit - max) / temperature);
    }

    private float maxLogit() {
        if (sorted) {
            return logit(candidates[0]);
        }
        long best = Long.MAX_VALUE;
        for (int i = 0; i < size; i++) {
            best = Math.min(best, candidates[i]);
        }
        return logit(best);
    }

    /**
     * Moves the {@code m} best candidates, best first, to candidates[0..m); the rest stay in candidates[m..size).
     * A heap of the m best seen so far, then heapsort: O(size log m), in place.
     */
    private int sortBest(int m) {
        long[] c = candidates;
        for (int i = m / 2 - 1; i >= 0; i--) {
            siftDown(c, i, m);
        }
        for (int i = m; i < size; i++) {
            if (c[i] < c[0]) { // better than the worst of the m kept so far
                long swap = c[i];
                c[i] = c[0];
                c[0] = swap;
                siftDown(c, 0, m);
            }
        }
        for (int end = m - 1; end > 0; end--) {
            long swap = c[end];
            c[end] = c[0];
            c[0] = swap;
            siftDown(c, 0, end);
        }
        return m;
    }

    /** Restores the max-heap (largest key, the worst candidate, on top) in heap[0..n) below {@code i}. */
    private static void siftDown(long[] heap, int i, int n) {
        long value = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= n) {
                break;
            }
            if (child + 1 < n && heap[child + 1] > heap[child]) {
                child++;
            }
            if (heap[child] <= value) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = value;
    }

    // A candidate is one long, so that sorting moves one primitive and compares once: the high half orders
    // the logits from highest to lowest, the low half holds the token id, so equal logits go lowest id first.

    private static long key(float logit, int token) {
        int bits = Float.floatToRawIntBits(logit);
        int ordered = bits ^ ((bits >> 31) & 0x7fffffff); // a signed int in the order of the floats
        return ((long) ~ordered << 32) | token;
    }

    private static float logit(long key) {
        int ordered = ~(int) (key >> 32);
        return Float.intBitsToFloat(ordered ^ ((ordered >> 31) & 0x7fffffff));
    }

    private static int token(long key) {
        return (int) key;
    }
}
