package dev.med42.quant;

import static dev.med42.quant.TileKernels.ROWS;
import static dev.med42.quant.VectorLanes.I256;
import static dev.med42.quant.VectorLanes.LE;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

/**
 * {@link Q5_KVector#dot} for four rows and many tokens, bit for bit (see {@link TileKernels}): as {@link Q4_KTile}
 * with the fifth bits from {@code qh}, and the mins summed as one integer per block and row, then fused into a scalar
 * as {@code Q5_KVector} does.
 */
final class Q5_KTile {
    private Q5_KTile() {}

    static void multiply(
            MemorySegment data,
            long rowBytes,
            int row,
            int rows,
            Activations x,
            int from,
            int to,
            float[] out,
            int outRows,
            TileKernels.Scratch s) {
        int columns = x.columns();
        int blocks = columns / 256;
        int tokens = to - from;
        float[] w = s.weights;
        float[] lanes = x.lanes;
        float[] acc = s.acc(tokens);
        float[] accMins = s.accMins(tokens);
        Arrays.fill(acc, 0, tokens * ROWS * 8, 0f);
        Arrays.fill(accMins, 0, tokens * ROWS * 4, 0f);
        for (int b = 0; b < blocks; b++) {
            for (int r = 0; r < ROWS; r++) {
                long block = (row + Math.min(r, rows - 1)) * rowBytes + (long) b * Q5_K.BLOCK_BYTES;
                long sc = Q4_KTile.header(data, block, r, s);
                // bit s of qh[p] is the fifth bit of weight p of sub-block s
                IntVector qh = IntVector.fromMemorySegment(I256, data, block + 16, LE);
                for (int j = 0, o = 256 * r; j < 4; j++, o += 64, sc >>>= 16) {
                    // 32 bytes: sub-block 2j in the low nibbles, 2j + 1 in the high ones
                    IntVector q = IntVector.fromMemorySegment(I256, data, block + 48 + 32 * j, LE);
                    IntVector h = qh.lanewise(LSHR, 2 * j);
                    float low = (int) sc & 0xff;
                    float high = (int) (sc >>> 8) & 0xff;
                    for (int i = 0; i < 4; i++) {
                        ((FloatVector) q.lanewise(LSHR, 8 * i)
                                        .and(0xf)
                                        .or(h.lanewise(LSHR, 8 * i).and(1).lanewise(LSHL, 4))
                                        .convert(I2F, 0))
                                .mul(low)
                                .intoArray(w, o + 8 * i);
                        ((FloatVector) q.lanewise(LSHR, 8 * i + 4)
                                        .and(0xf)
                                        .or(h.lanewise(LSHR, 8 * i + 1).and(1).lanewise(LSHL, 4))
                                        .convert(I2F, 0))
                                .mul(high)
                                .intoArray(w, o + 32 + 8 * i);
                    }
                }
            }
            for (int t = from; t < to; t++) {
                int xo = t * columns + b * 256;
                TileSums.blockLaneSums(w, lanes, xo, s.sums);
                float dx = x.d[t * blocks + b];
                int at = (t - from) * ROWS * 8;
                TileSums.addScaled(s.sums, dx, s.scales, acc, at);
                // summs += (-dx * dmin) * (the mins times the sums of their sub-blocks' activation quants)
                int sub = (t * blocks + b) * 16;
                int[] sums = x.subSums;
                for (int r = 0; r < ROWS; r++) {
                    int minSum = 0;
                    for (int m = 0; m < 4; m++) {
                        minSum += s.minsEven[4 * r + m] * sums[sub + m] + s.minsOdd[4 * r + m] * sums[sub + 8 + m];
                    }
                    int at2 = (t - from) * ROWS + r;
                    accMins[at2] = Math.fma(-dx * s.mins[4 * r], minSum, accMins[at2]);
                }
            }
        }
        for (int t = from; t < to; t++) {
            for (int r = 0; r < rows; r++) {
                int a = ((t - from) * ROWS + r) * 8;
                out[t * outRows + row + r] = TileSums.laneTotal(acc, a) + accMins[(t - from) * ROWS + r];
            }
        }
    }
}
