package dev.med42.quant;

import static dev.med42.quant.Blocks.SHORT_LE;
import static dev.med42.quant.TileKernels.ROWS;
import static dev.med42.quant.VectorLanes.F256;
import static dev.med42.quant.VectorLanes.I128;
import static dev.med42.quant.VectorLanes.I256;
import static dev.med42.quant.VectorLanes.LE;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

/**
 * {@link Q8_0Vector#dot} and {@link Q4_0Vector#dot} for four rows and many tokens, bit for bit (see {@link
 * TileKernels}): the blocks of 32 are decoded eight at a time, then each token takes, per block, the eight lane sums
 * by float multiply-adds and the row kernel's multiply-add by {@code d_w * d_x}.
 */
final class Legacy32Tile {
    /** Blocks decoded at once: 256 weights a row. */
    private static final int GROUP = 8;

    /**
     * Q4_0, per vector {@code i}: lanes 0..3 take the low nibble of byte {@code i}, lanes 4..7 the high one. Constants
     * each, not an array: C2 keeps only vectors it sees as constants out of the heap.
     */
    private static final IntVector SHIFTS_0 = shifts(0);

    private static final IntVector SHIFTS_1 = shifts(1);
    private static final IntVector SHIFTS_2 = shifts(2);
    private static final IntVector SHIFTS_3 = shifts(3);

    private Legacy32Tile() {}

    private static IntVector shifts(int i) {
        int s = 8 * i;
        return IntVector.fromArray(I256, new int[] {s, s, s, s, s + 4, s + 4, s + 4, s + 4}, 0);
    }

    static void multiplyQ8_0(
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
        multiply(GGMLType.Q8_0, data, rowBytes, row, rows, x, from, to, out, outRows, s);
    }

    static void multiplyQ4_0(
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
        multiply(GGMLType.Q4_0, data, rowBytes, row, rows, x, from, to, out, outRows, s);
    }

    /** Q8_0's 32 weights into {@code w[o..o + 32)}: int l holds weights 4l..4l+3, byte i sign-extended is vector i. */
    private static void decodeQ8_0(MemorySegment data, long block, float[] w, int o) {
        IntVector q = IntVector.fromMemorySegment(I256, data, block + 2, LE);
        ((FloatVector) q.lanewise(LSHL, 24).lanewise(ASHR, 24).convert(I2F, 0)).intoArray(w, o);
        ((FloatVector) q.lanewise(LSHL, 16).lanewise(ASHR, 24).convert(I2F, 0)).intoArray(w, o + 8);
        ((FloatVector) q.lanewise(LSHL, 8).lanewise(ASHR, 24).convert(I2F, 0)).intoArray(w, o + 16);
        ((FloatVector) q.lanewise(ASHR, 24).convert(I2F, 0)).intoArray(w, o + 24);
    }

    /** Q4_0's 32 weights: the 16 bytes in both halves; weights 0..15 are low nibbles, 16..31 high ones. */
    private static void decodeQ4_0(MemorySegment data, long block, float[] w, int o) {
        IntVector q = ((IntVector)
                        IntVector.fromMemorySegment(I128, data, block + 2, LE).reinterpretShape(I256, 0))
                .rearrange(Q4_0Vector.BOTH_HALVES);
        ((FloatVector) q.lanewise(LSHR, SHIFTS_0).and(0xf).sub(8).convert(I2F, 0)).intoArray(w, o);
        ((FloatVector) q.lanewise(LSHR, SHIFTS_1).and(0xf).sub(8).convert(I2F, 0)).intoArray(w, o + 8);
        ((FloatVector) q.lanewise(LSHR, SHIFTS_2).and(0xf).sub(8).convert(I2F, 0)).intoArray(w, o + 16);
        ((FloatVector) q.lanewise(LSHR, SHIFTS_3).and(0xf).sub(8).convert(I2F, 0)).intoArray(w, o + 24);
    }

    private static void multiply(
            GGMLType type,
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
        int blocks = columns / 32;
        int tokens = to - from;
        int bytes = type.bytesPerBlock();
        boolean q8 = type == GGMLType.Q8_0;
        float[] w = s.weights;
        float[] d = s.scales;
        float[] lanes = x.lanes;
        float[] acc = s.acc(tokens);
        java.util.Arrays.fill(acc, 0, tokens * ROWS * 8, 0f);
        for (int first = 0; first < blocks; first += GROUP) {
            int n = Math.min(GROUP, blocks - first);
            for (int r = 0; r < ROWS; r++) {
                long rowStart = (row + Math.min(r, rows - 1)) * rowBytes;
                for (int g = 0; g < n; g++) {
                    long block = rowStart + (long) (first + g) * bytes;
                    d[GROUP * r + g] = Float.float16ToFloat(data.get(SHORT_LE, block));
                    if (q8) {
                        decodeQ8_0(data, block, w, 256 * r + 32 * g);
                    } else {
                        decodeQ4_0(data, block, w, 256 * r + 32 * g);
                    }
                }
            }
            for (int t = from; t < to; t++) {
                int at = (t - from) * ROWS * 8;
                FloatVector c0 = FloatVector.fromArray(F256, acc, at);
                FloatVector c1 = FloatVector.fromArray(F256, acc, at + 8);
                FloatVector c2 = FloatVector.fromArray(F256, acc, at + 16);
                FloatVector c3 = FloatVector.fromArray(F256, acc, at + 24);
                for (int g = 0; g < n; g++) {
                    int xo = t * columns + 32 * (first + g);
                    int wo = 32 * g;
                    FloatVector x0 = FloatVector.fromArray(F256, lanes, xo);
                    FloatVector x1 = FloatVector.fromArray(F256, lanes, xo + 8);
                    FloatVector x2 = FloatVector.fromArray(F256, lanes, xo + 16);
                    FloatVector x3 = FloatVector.fromArray(F256, lanes, xo + 24);
                    // exact integer lane sums, two chains per row
                    FloatVector s0 = FloatVector.fromArray(F256, w, wo)
                            .mul(x0)
                            .add(FloatVector.fromArray(F256, w, wo + 8).mul(x1));
                    FloatVector s1 = FloatVector.fromArray(F256, w, 256 + wo)
                            .mul(x0)
                            .add(FloatVector.fromArray(F256, w, 256 + wo + 8).mul(x1));
                    FloatVector s2 = FloatVector.fromArray(F256, w, 512 + wo)
                            .mul(x0)
                            .add(FloatVector.fromArray(F256, w, 512 + wo + 8).mul(x1));
                    FloatVector s3 = FloatVector.fromArray(F256, w, 768 + wo)
                            .mul(x0)
                            .add(FloatVector.fromArray(F256, w, 768 + wo + 8).mul(x1));
                    s0 = FloatVector.fromArray(F256, w, wo + 16)
                            .fma(x2, FloatVector.fromArray(F256, w, wo + 24).fma(x3, s0));
                    s1 = FloatVector.fromArray(F256, w, 256 + wo + 16)
                            .fma(
                                    x2,
                                    FloatVector.fromArray(F256, w, 256 + wo + 24)
                                            .fma(x3, s1));
                    s2 = FloatVector.fromArray(F256, w, 512 + wo + 16)
                            .fma(
                                    x2,
                                    FloatVector.fromArray(F256, w, 512 + wo + 24)
                                            .fma(x3, s2));
                    s3 = FloatVector.fromArray(F256, w, 768 + wo + 16)
                            .fma(
                                    x2,
                                    FloatVector.fromArray(F256, w, 768 + wo + 24)
                                            .fma(x3, s3));
                    float dx = x.d[t * blocks + first + g];
                    c0 = s0.fma(FloatVector.broadcast(F256, d[g] * dx), c0);
                    c1 = s1.fma(FloatVector.broadcast(F256, d[GROUP + g] * dx), c1);
                    c2 = s2.fma(FloatVector.broadcast(F256, d[2 * GROUP + g] * dx), c2);
                    c3 = s3.fma(FloatVector.broadcast(F256, d[3 * GROUP + g] * dx), c3);
                }
                c0.intoArray(acc, at);
                c1.intoArray(acc, at + 8);
                c2.intoArray(acc, at + 16);
                c3.intoArray(acc, at + 24);
            }
        }
        for (int t = from; t < to; t++) {
            for (int r = 0; r < rows; r++) {
                int a = ((t - from) * ROWS + r) * 8;
                out[t * outRows + row + r] = TileSums.laneTotal(acc, a);
            }
        }
    }
}
