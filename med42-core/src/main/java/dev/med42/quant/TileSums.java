package dev.med42.quant;

import static dev.med42.quant.TileKernels.ROWS;
import static dev.med42.quant.VectorLanes.F256;

import jdk.incubator.vector.FloatVector;

/**
 * The steps the K-quant tile kernels share once a block's weights are decoded (see {@link TileKernels}). Apart from
 * {@code TileKernels} itself, which must load without the Vector API.
 */
final class TileSums {
    private TileSums() {}

    /**
     * The products of one block of 256 decoded weights of each of the four rows ({@code w}) with one token's activation
     * quants from {@code lanes[xo]}, as eight lane sums a row into {@code sums[8r .. 8r + 7]}. Two chains a row: the
     * sums are exact integers, so their order is free.
     */
    static void blockLaneSums(float[] w, float[] lanes, int xo, float[] sums) {
        FloatVector a0 = FloatVector.zero(F256);
        FloatVector a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        for (int k = 0; k < 256; k += 16) {
            FloatVector x0 = FloatVector.fromArray(F256, lanes, xo + k);
            FloatVector x1 = FloatVector.fromArray(F256, lanes, xo + k + 8);
            a0 = FloatVector.fromArray(F256, w, k).fma(x0, a0);
            b0 = FloatVector.fromArray(F256, w, k + 8).fma(x1, b0);
            a1 = FloatVector.fromArray(F256, w, 256 + k).fma(x0, a1);
            b1 = FloatVector.fromArray(F256, w, 256 + k + 8).fma(x1, b1);
            a2 = FloatVector.fromArray(F256, w, 512 + k).fma(x0, a2);
            b2 = FloatVector.fromArray(F256, w, 512 + k + 8).fma(x1, b2);
            a3 = FloatVector.fromArray(F256, w, 768 + k).fma(x0, a3);
            b3 = FloatVector.fromArray(F256, w, 768 + k + 8).fma(x1, b3);
        }
        a0.add(b0).intoArray(sums, 0);
        a1.add(b1).intoArray(sums, 8);
        a2.add(b2).intoArray(sums, 16);
        a3.add(b3).intoArray(sums, 24);
    }

    /**
     * {@code acc[at + 8r + l] += (dx * scales[r]) * sums[8r + l]} for the four rows, one fused multiply-add a lane: the
     * row kernels' step from a block's lane sums to their accumulators.
     */
    static void addScaled(float[] sums, float dx, float[] scales, float[] acc, int at) {
        for (int r = 0; r < ROWS; r++) {
            FloatVector.fromArray(F256, sums, 8 * r)
                    .fma(FloatVector.broadcast(F256, dx * scales[r]), FloatVector.fromArray(F256, acc, at + 8 * r))
                    .intoArray(acc, at + 8 * r);
        }
    }

    /** The sum of the eight accumulator lanes at {@code acc[a]}, in the row kernels' (ggml's hsum_float_8) order. */
    static float laneTotal(float[] acc, int a) {
        return ((acc[a] + acc[a + 4]) + (acc[a + 2] + acc[a + 6]))
                + ((acc[a + 1] + acc[a + 5]) + (acc[a + 3] + acc[a + 7]));
    }
}
