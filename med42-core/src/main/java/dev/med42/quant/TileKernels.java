package dev.med42.quant;

import java.lang.foreign.MemorySegment;

/**
 * Products of a few weight rows with many tokens (a prompt), for the types whose prompts are worth it: each weight
 * block is decoded once into floats and then used by every token of the group, as a matrix-matrix product does.
 *
 * <h2>Why the results are the row kernels' bits</h2>
 *
 * The row kernels form, per block, ggml's eight integer lane sums and then do float operations on them. A tile kernel
 * forms the same integer sums in float arithmetic: weights times their integer sub-block scales, and activation
 * quants, are small integers that floats hold exactly, and so is every partial sum, as long as it stays below
 * {@code 2^24}. The largest per-lane sum of a block is that of Q6_K, {@code 32 * 128 * 32 * 127 = 16646144 < 2^24};
 * Q4_K's is {@code 32 * 63 * 15 * 127}. So the sums are exact in any order, and the float operations after them
 * (the multiply-add by the block scale, the mins, the horizontal sum) are those of the row kernel, in its order: each
 * output has the same bits whether its token came alone or in a batch of any size.
 *
 * <h2>Layout</h2>
 *
 * In each chunk of 32 values, float {@code 8i + l} holds position {@code 4l + i}: the four vectors of a chunk give lane
 * {@code l} exactly the positions ggml's lane {@code l} sums. {@link Activations} keeps its quants in that order too
 * (for two tokens or more); a 32-byte weight vector read as eight ints has positions {@code 4l .. 4l + 3} in int
 * {@code l}, so byte {@code i} of every int is vector {@code i}.
 */
public final class TileKernels {
    /** Rows decoded and multiplied together; a tile of fewer rows repeats its last one. */
    public static final int ROWS = 4;

    private TileKernels() {}

    /** {@code out[t * outRows + row + r]} for {@code r < rows} ({@code rows <= ROWS}) and {@code from <= t < to}. */
    @FunctionalInterface
    public interface TileKernel {
        void multiply(
                MemorySegment data,
                long rowBytes,
                int row,
                int rows,
                Activations x,
                int from,
                int to,
                float[] out,
                int outRows,
                Scratch scratch);
    }

    /** One thread's buffers: grown when a larger group comes, never per call. */
    public static final class Scratch {
        final float[] weights = new float[ROWS * 256];
        final float[] scales = new float[ROWS * 8];
        final float[] mins = new float[ROWS * 4];
        final int[] minsEven = new int[ROWS * 4];
        final int[] minsOdd = new int[ROWS * 4];
        final short[] shortMins = new short[ROWS * 16];
        final float[] sums = new float[ROWS * 8];
        float[] acc = new float[0];
        float[] accMins = new float[0];

        float[] acc(int tokens) {
            if (acc.length < tokens * ROWS * 8) {
                acc = new float[tokens * ROWS * 8];
            }
            return acc;
        }

        float[] accMins(int tokens) {
            if (accMins.length < tokens * ROWS * 4) {
                accMins = new float[tokens * ROWS * 4];
            }
            return accMins;
        }
    }

    /** Whether activations of this vec_dot type keep the lane-ordered copy the tile kernels read. */
    static boolean supports(GGMLType vecDotType) {
        return vecDotType == GGMLType.Q8_0 || vecDotType == GGMLType.Q8_K;
    }

    /** The tile kernel of {@code weightType}, or null where products go row by row. */
    public static TileKernel tileKernel(GGMLType weightType) {
        return Kernels.vectorized() ? VectorKernels.tileKernel(weightType) : null;
    }
}
