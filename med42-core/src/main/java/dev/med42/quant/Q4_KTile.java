package dev.med42.quant;

import static dev.med42.quant.Blocks.SHORT_LE;
import static dev.med42.quant.TileKernels.ROWS;
import static dev.med42.quant.VectorLanes.F256;
import static dev.med42.quant.VectorLanes.I256;
import static dev.med42.quant.VectorLanes.LE;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHR;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

/**
 * {@link Q4_KVector#dot} for four rows and many tokens, bit for bit (see {@link TileKernels}): per block, the weights
 * times their sub-block scales as floats, the eight lane sums by float multiply-adds, then {@code Q4_KVector}'s float
 * operations. The mins go four at a time per row: lanes {@code 4r' + m} of a row pair hold ggml's {@code acc_m[m]}.
 */
final class Q4_KTile {
    private Q4_KTile() {}

    /**
     * Reads the header of row {@code r}'s block at {@code block} (Q4_K's and Q5_K's are the same: d, dmin, twelve bytes
     * of 6-bit scales and mins) into the scratch: the block scale, the mins as {@code Q4_KVector} pairs them. Returns
     * the eight sub-block scales, a byte each.
     */
    static long header(MemorySegment data, long block, int r, TileKernels.Scratch s) {
        s.scales[r] = Float.float16ToFloat(data.get(SHORT_LE, block));
        float dmin = Float.float16ToFloat(data.get(SHORT_LE, block + 2));
        long mins = KScales.k4Mins(data, block + 4);
        for (int m = 0; m < 4; m++) {
            s.mins[4 * r + m] = dmin;
            s.minsEven[4 * r + m] = KScales.at(mins, 2 * m);
            s.minsOdd[4 * r + m] = KScales.at(mins, 2 * m + 1);
        }
        return KScales.k4Scales(data, block + 4);
    }

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
                long block = (row + Math.min(r, rows - 1)) * rowBytes + (long) b * Q4_K.BLOCK_BYTES;
                long sc = header(data, block, r, s);
                for (int j = 0, o = 256 * r; j < 4; j++, o += 64, sc >>>= 16) {
                    // 32 bytes: sub-block 2j in the low nibbles, 2j + 1 in the high ones
                    IntVector q = IntVector.fromMemorySegment(I256, data, block + 16 + 32 * j, LE);
                    float low = (int) sc & 0xff;
                    float high = (int) (sc >>> 8) & 0xff;
                    ((FloatVector) q.and(0xf).convert(I2F, 0)).mul(low).intoArray(w, o);
                    ((FloatVector) q.lanewise(LSHR, 8).and(0xf).convert(I2F, 0))
                            .mul(low)
                            .intoArray(w, o + 8);
                    ((FloatVector) q.lanewise(LSHR, 16).and(0xf).convert(I2F, 0))
                            .mul(low)
                            .intoArray(w, o + 16);
                    ((FloatVector) q.lanewise(LSHR, 24).and(0xf).convert(I2F, 0))
                            .mul(low)
                            .intoArray(w, o + 24);
                    ((FloatVector) q.lanewise(LSHR, 4).and(0xf).convert(I2F, 0))
                            .mul(high)
                            .intoArray(w, o + 32);
                    ((FloatVector) q.lanewise(LSHR, 12).and(0xf).convert(I2F, 0))
                            .mul(high)
                            .intoArray(w, o + 40);
                    ((FloatVector) q.lanewise(LSHR, 20).and(0xf).convert(I2F, 0))
                            .mul(high)
                            .intoArray(w, o + 48);
                    ((FloatVector) q.lanewise(LSHR, 28).convert(I2F, 0))
                            .mul(high)
                            .intoArray(w, o + 56);
                }
            }
            for (int t = from; t < to; t++) {
                int xo = t * columns + b * 256;
                TileSums.blockLaneSums(w, lanes, xo, s.sums);
                float dx = x.d[t * blocks + b];
                int at = (t - from) * ROWS * 8;
                TileSums.addScaled(s.sums, dx, s.scales, acc, at);
                // acc_m[m] += (-dx * dmin) * (mins[2m] * sum[2m] + mins[2m + 1] * sum[2m + 1]), two rows a vector
                int sub = (t * blocks + b) * 16;
                IntVector even = IntVector.fromArray(I256, x.subSums, sub);
                IntVector odd = IntVector.fromArray(I256, x.subSums, sub + 8);
                int am = (t - from) * ROWS * 4;
                ((FloatVector) IntVector.fromArray(I256, s.minsEven, 0)
                                .mul(even)
                                .add(IntVector.fromArray(I256, s.minsOdd, 0).mul(odd))
                                .convert(I2F, 0))
                        .fma(FloatVector.fromArray(F256, s.mins, 0).mul(-dx), FloatVector.fromArray(F256, accMins, am))
                        .intoArray(accMins, am);
                ((FloatVector) IntVector.fromArray(I256, s.minsEven, 8)
                                .mul(even)
                                .add(IntVector.fromArray(I256, s.minsOdd, 8).mul(odd))
                                .convert(I2F, 0))
                        .fma(
                                FloatVector.fromArray(F256, s.mins, 8).mul(-dx),
                                FloatVector.fromArray(F256, accMins, am + 8))
                        .intoArray(accMins, am + 8);
            }
        }
        for (int t = from; t < to; t++) {
            for (int r = 0; r < rows; r++) {
                int a = ((t - from) * ROWS + r) * 8;
                int m = ((t - from) * ROWS + r) * 4;
                out[t * outRows + row + r] = TileSums.laneTotal(acc, a)
                        + ((accMins[m] + accMins[m + 2]) + (accMins[m + 1] + accMins[m + 3]));
            }
        }
    }
}
