package dev.med42.tensor;

import dev.med42.quant.Activations;
import dev.med42.quant.Kernels;
import dev.med42.quant.RowKernel;
import dev.med42.quant.TileKernels;
import dev.med42.quant.WeightMatrix;
import java.lang.foreign.MemorySegment;

/**
 * Matrix products of quantized weights with activations, on a fixed pool of threads.
 *
 * <p>{@code multiply(w, x, out)} computes, for each of the {@code x.tokens()} tokens {@code t} and each row {@code r}
 * of {@code w}, {@code out[t * w.rows() + r] = dot(row r, token t)}. The rows are split into one contiguous range per
 * thread, the calling thread taking the first. Within a range the tokens go in groups small enough for their
 * activations to stay in the core's cache: each weight row is read from memory once per group and dotted with every
 * token of it, so a prompt is a matrix-matrix product and one token ({@code N = 1}) is a plain matrix-vector product.
 *
 * <p>Where the weight type has a {@link TileKernels tile kernel}, products of two tokens or more go through it instead:
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

    /** Tile kernels read activations as floats and keep the decoded weights in L1: groups may fill more of L2. */
    private static final int TILE_GROUP_BYTES = 512 * 1024;

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
        if (input.type() != weights.type().vecDotType()) {
            throw new IllegalArgumentException(weights.name() + " (" + weights.type() + ") needs "
                    + weights.type().vecDotType() + " activations, not " + input.type());
        }
        if (input.columns() != weights.columns()) {
            throw new IllegalArgumentException(weights.name() + " has rows of " + weights.columns()
                    + " weights; the activations have " + input.columns() + " columns");
        }
        if (input.tokens() == 0) {
            return;
        }
        if ((long) input.tokens() * weights.rows() > out.length) {
            throw new IllegalArgumentException(
                    "out holds " + out.length + " values, the product has " + (long) input.tokens() * weights.rows());
        }
        int tokenBytes = input.columns() * (input.type().isQuantized() ? Short.BYTES : Float.BYTES);
        TileKernels.TileKernel tile = input.tokens() > 1 ? TileKernels.tileKernel(weights.type()) : null;
        int group = tile == null ? GROUP_BYTES / tokenBytes : TILE_GROUP_BYTES / (input.columns() * Float.BYTES);
        product.set(weights, input, out, tile, Math.max(1, group));
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

    /** The job of one product; reused, so that a product allocates nothing. */
    private static final class Product implements WorkerPool.Job {
        private RowKernel kernel;
        private TileKernels.TileKernel tile;
        private TileKernels.Scratch[] scratch;
        private MemorySegment data;
        private long rowBytes;
        private int rows;
        private Activations input;
        private float[] out;
        private int group;

        void set(WeightMatrix weights, Activations input, float[] out, TileKernels.TileKernel tile, int group) {
            this.kernel = Kernels.rowKernel(weights.type());
            this.tile = tile;
            this.data = weights.data();
            this.rowBytes = weights.rowBytes();
            this.rows = weights.rows();
            this.input = input;
            this.out = out;
            this.group = group;
        }

        void clear() {
            kernel = null;
            tile = null;
            data = null;
            input = null;
            out = null;
        }

        @Override
        public void run(int part, int parts) {
            int from = (int) ((long) rows * part / parts);
            int to = (int) ((long) rows * (part + 1) / parts);
            int tokens = input.tokens();
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
