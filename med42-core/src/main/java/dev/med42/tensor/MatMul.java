package dev.med42.tensor;

import dev.med42.quant.Activations;
import dev.med42.quant.Kernels;
import dev.med42.quant.RowKernel;
import dev.med42.quant.TileKernels;
import dev.med42.quant.WeightMatrix;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Matrix products of quantized weights with activations, on a fixed pool of threads.
 *
 * <p>{@code multiply(w, x, out)} computes, for each of the {@code x.tokens()} tokens {@code t} and each row {@code r}
 * of {@code w}, {@code out[t * w.rows() + r] = dot(row r, token t)}. The rows are cut into contiguous chunks, about
 * eight per thread, which the threads take in turn (the calling thread is one of them). Within a chunk the tokens go in
 * groups small enough for their
 * activations to stay in the core's cache: each weight row is read from memory once per group and dotted with every
 * token of it, so a prompt is a matrix-matrix product and one token ({@code N = 1}) is a plain matrix-vector product.
 *
 * <p>Where the weight type has a {@link TileKernels tile kernel}, products of {@link #TILE_MIN_TOKENS} tokens or more go
 * through it instead:
 * four rows at a time, each weight block decoded once for the whole group. It computes the row kernel's bits (see
 * there), so every output is the same whatever the thread count, the token count or the group it falls in.
 *
 * <p>One product at a time per instance (calls are serialized); close it to stop its threads.
 */
public final class MatMul implements AutoCloseable {
    /** System property overriding the default thread count. */
    public static final String THREADS_PROPERTY = "med42.threads";

    /** The activation bytes of one token group: half a typical per-core L2 cache. */
    private static final int GROUP_BYTES = 256 * 1024;

    /** The most matrices one job multiplies. */
    public static final int MAX_MATRICES = 4;

    /** Tile kernels read activations as floats and keep the decoded weights in L1: groups may fill more of L2. */
    private static final int TILE_GROUP_BYTES = 512 * 1024;

    /**
     * The fewest tokens a tile kernel takes; fewer go row by row. Decoding a block costs the tile about four row-kernel
     * passes for Q4_K, so it pays from about ten tokens (two to four for Q6_K and Q8_0): at 2 and 4 tokens, the row
     * kernels were 1.2 to 2.2 times as fast (TinyLlama's shape, `bench -np 2,4`). Decode batches stay row by row, prompts
     * go to tiles. The bits are the same either way.
     */
    static final int TILE_MIN_TOKENS = 8;

    private final WorkerPool pool;
    private final Product product = new Product();
    private final Ranges ranges = new Ranges();

    /** Work over a range of indices, run by one thread; {@code part} (0 .. threads-1) names the thread's scratch. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int from, int to, int part);
    }

    /** A product on {@link #defaultThreads()} threads. */
    public MatMul() {
        this(defaultThreads());
    }

    public MatMul(int threads) {
        this.pool = new WorkerPool(threads, "med42-matmul");
        this.product.scratch = new TileKernels.Scratch[threads];
        for (int i = 0; i < threads; i++) {
            product.scratch[i] = new TileKernels.Scratch();
        }
    }

    /** {@code -Dmed42.threads}, else the available processors. */
    public static int defaultThreads() {
        return Integer.getInteger(THREADS_PROPERTY, Runtime.getRuntime().availableProcessors());
    }

    public int threads() {
        return pool.threads();
    }

    /**
     * {@code out[t * weights.rows() + r]} = row {@code r} of {@code weights} dotted with token {@code t} of {@code
     * input}, for every row and each of {@code input.tokens()} tokens.
     *
     * @throws IllegalArgumentException when the input has another vec_dot type or row length than the weights, or
     *     {@code out} is too short
     */
    public synchronized void multiply(WeightMatrix weights, Activations input, float[] out) {
        check(weights, input, out);
        product.count = 1;
        product.set(0, weights, out);
        run(input);
    }

    /**
     * The products of several matrices with the same input, as one job (Q, K and V; gate and up): the threads share
     * out their rows without waiting for each other between the matrices. {@code out[i]} receives the product of
     * {@code weights[i]}, laid out as {@link #multiply(WeightMatrix, Activations, float[])} lays it out.
     *
     * @throws IllegalArgumentException as for one matrix, or when more than {@value #MAX_MATRICES} matrices are given
     */
    public synchronized void multiply(WeightMatrix[] weights, Activations input, float[][] out) {
        if (weights.length != out.length || weights.length == 0 || weights.length > MAX_MATRICES) {
            throw new IllegalArgumentException(
                    "1 to " + MAX_MATRICES + " matrices, each with an output: " + weights.length + ", " + out.length);
        }
        for (int i = 0; i < weights.length; i++) {
            check(weights[i], input, out[i]);
        }
        product.count = weights.length;
        for (int i = 0; i < weights.length; i++) {
            product.set(i, weights[i], out[i]);
        }
        run(input);
    }

    private static void check(WeightMatrix weights, Activations input, float[] out) {
        if (input.type() != weights.type().vecDotType()) {
            throw new IllegalArgumentException(weights.name() + " (" + weights.type() + ") needs "
                    + weights.type().vecDotType() + " activations, not " + input.type());
        }
        if (input.columns() != weights.columns()) {
            throw new IllegalArgumentException(weights.name() + " has rows of " + weights.columns()
                    + " weights; the activations have " + input.columns() + " columns");
        }
        if ((long) input.tokens() * weights.rows() > out.length) {
            throw new IllegalArgumentException(
                    "out holds " + out.length + " values, the product has " + (long) input.tokens() * weights.rows());
        }
    }

    private void run(Activations input) {
        if (input.tokens() == 0) {
            product.clear();
            return;
        }
        product.start(input, pool.threads());
        try {
            pool.run(product);
        } finally {
            product.clear();
        }
    }

    /**
     * Runs {@code task} over {@code [0, count)} cut into one contiguous range per thread, on the same threads as the
     * products (for work such as attention heads that sits between them). Returns when every range is done.
     */
    public synchronized void parallelFor(int count, RangeTask task) {
        if (count <= 0) {
            return;
        }
        ranges.set(count, task);
        try {
            pool.run(ranges);
        } finally {
            ranges.task = null;
        }
    }

    /** Stops the threads. Idempotent. */
    @Override
    public void close() {
        pool.close();
    }

    /**
     * The job of one product; reused, so that a product allocates nothing. The rows of all its matrices are cut into
     * chunks that the threads take in turn from a shared counter: a thread slowed down (by another process, say) takes
     * fewer chunks instead of holding the others up at the end. Which thread computes an output does not change it.
     */
    private static final class Product implements WorkerPool.Job {
        private final WeightMatrix[] matrices = new WeightMatrix[MAX_MATRICES];
        private final RowKernel[] kernels = new RowKernel[MAX_MATRICES];
        private final TileKernels.TileKernel[] tiles = new TileKernels.TileKernel[MAX_MATRICES];
        private final float[][] outs = new float[MAX_MATRICES][];
        /** Chunks before matrix i; firstChunk[count] is the total. */
        private final int[] firstChunk = new int[MAX_MATRICES + 1];

        private final int[] chunkRows = new int[MAX_MATRICES];
        private final int[] groups = new int[MAX_MATRICES];
        private final AtomicInteger next = new AtomicInteger();
        private TileKernels.Scratch[] scratch;
        private int count;
        private Activations input;

        void set(int i, WeightMatrix weights, float[] out) {
            matrices[i] = weights;
            outs[i] = out;
        }

        void start(Activations input, int threads) {
            this.input = input;
            int chunks = 0;
            for (int i = 0; i < count; i++) {
                WeightMatrix w = matrices[i];
                kernels[i] = Kernels.rowKernel(w.type());
                tiles[i] = input.tokens() >= TILE_MIN_TOKENS ? TileKernels.tileKernel(w.type()) : null;
                int tokenBytes = input.columns() * (input.type().isQuantized() ? Short.BYTES : Float.BYTES);
                groups[i] = Math.max(
                        1,
                        tiles[i] == null
                                ? GROUP_BYTES / tokenBytes
                                : TILE_GROUP_BYTES / (input.columns() * Float.BYTES));
                // about eight chunks a thread, whole tiles, at least 16 rows
                int rows = Math.max(16, w.rows() / (8 * threads));
                chunkRows[i] = (rows + TileKernels.ROWS - 1) / TileKernels.ROWS * TileKernels.ROWS;
                firstChunk[i] = chunks;
                chunks += (w.rows() + chunkRows[i] - 1) / chunkRows[i];
            }
            firstChunk[count] = chunks;
            next.set(0);
        }

        void clear() {
            Arrays.fill(matrices, null);
            Arrays.fill(kernels, null);
            Arrays.fill(tiles, null);
            Arrays.fill(outs, null);
            input = null;
            count = 0;
        }

        @Override
        public void run(int part, int parts) {
            int tokens = input.tokens();
            int m = 0;
            for (int c = next.getAndIncrement(); c < firstChunk[count]; c = next.getAndIncrement()) {
                while (c >= firstChunk[m + 1]) {
                    m++;
                }
                WeightMatrix w = matrices[m];
                int rows = w.rows();
                int from = (c - firstChunk[m]) * chunkRows[m];
                int to = Math.min(rows, from + chunkRows[m]);
                MemorySegment data = w.data();
                long rowBytes = w.rowBytes();
                float[] out = outs[m];
                int group = groups[m];
                TileKernels.TileKernel tile = tiles[m];
                RowKernel kernel = kernels[m];
                for (int first = 0; first < tokens; first += group) {
                    int last = Math.min(tokens, first + group);
                    if (tile != null) {
                        for (int r = from; r < to; r += TileKernels.ROWS) {
                            int n = Math.min(TileKernels.ROWS, to - r);
                            tile.multiply(data, rowBytes, r, n, input, first, last, out, rows, scratch[part]);
                        }
                        continue;
                    }
                    for (int r = from; r < to; r++) {
                        long row = r * rowBytes;
                        for (int t = first; t < last; t++) {
                            out[t * rows + r] = kernel.dot(data, row, input, t);
                        }
                    }
                }
            }
        }
    }

    /** The job of one {@link #parallelFor}; reused, so that it allocates nothing. */
    private static final class Ranges implements WorkerPool.Job {
        private int count;
        private RangeTask task;

        void set(int count, RangeTask task) {
            this.count = count;
            this.task = task;
        }

        @Override
        public void run(int part, int parts) {
            int from = (int) ((long) count * part / parts);
            int to = (int) ((long) count * (part + 1) / parts);
            if (from < to) {
                task.run(from, to, part);
            }
        }
    }
}
