package dev.med42.quant;

import static dev.med42.quant.Blocks.SHORT_LE;
import static dev.med42.quant.TileKernels.ROWS;
import static dev.med42.quant.VectorLanes.F256;
import static dev.med42.quant.VectorLanes.I256;
import static dev.med42.quant.VectorLanes.LE;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;

/**
 * {@link Q6_KVector#dot} for four rows and many tokens, bit for bit (see {@link TileKernels}): per block, the weights
 * {@code q - 32} times their signed sub-block scales as floats, the eight lane sums by float multiply-adds, then {@code
 * Q6_KVector}'s multiply-add by the block scale.
 */
final class Q6_KTile {
    /** Lanes 4..7: positions 16..31 of a chunk, which take the scale of the second sub-block of 16. */
    private static final VectorMask<Float> UPPER = VectorMask.fromLong(F256, 0xf0);

    private Q6_KTile() {}

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
        Arrays.fill(acc, 0, tokens * ROWS * 8, 0f);
        for (int b = 0; b < blocks; b++) {
            for (int r = 0; r < ROWS; r++) {
                long block = (row + Math.min(r, rows - 1)) * rowBytes + (long) b * Q6_K.BLOCK_BYTES;
                s.scales[r] = Float.float16ToFloat(data.get(SHORT_LE, block + 208));
                // half h of 128: chunk c has its low 4 bits in the low (c < 2) or high nibbles of ql[64h + 32 (c % 2)
                // + p], its top 2 bits at bits 2c of qh[32h + p]
                for (int h = 0; h < 2; h++) {
                    IntVector ql1 = IntVector.fromMemorySegment(I256, data, block + 64 * h, LE);
                    IntVector ql2 = IntVector.fromMemorySegment(I256, data, block + 64 * h + 32, LE);
                    IntVector qh = IntVector.fromMemorySegment(I256, data, block + 128 + 32 * h, LE);
                    for (int c = 0; c < 4; c++) {
                        IntVector ql = (c & 1) == 0 ? ql1 : ql2;
                        int nibble = c < 2 ? 0 : 4;
                        long scale = block + 192 + 8 * h + 2 * c;
                        FloatVector sc = FloatVector.broadcast(F256, data.get(ValueLayout.JAVA_BYTE, scale))
                                .blend(data.get(ValueLayout.JAVA_BYTE, scale + 1), UPPER);
                        int o = 256 * r + 128 * h + 32 * c;
                        for (int i = 0; i < 4; i++) {
                            ((FloatVector) ql.lanewise(LSHR, 8 * i + nibble)
                                            .and(0xf)
                                            .or(qh.lanewise(LSHR, 8 * i + 2 * c)
                                                    .and(3)
                                                    .lanewise(LSHL, 4))
                                            .sub(32)
                                            .convert(I2F, 0))
                                    .mul(sc)
                                    .intoArray(w, o + 8 * i);
                        }
                    }
                }
            }
            for (int t = from; t < to; t++) {
                int xo = t * columns + b * 256;
                TileSums.blockLaneSums(w, lanes, xo, s.sums);
                float dx = x.d[t * blocks + b];
                int at = (t - from) * ROWS * 8;
                TileSums.addScaled(s.sums, dx, s.scales, acc, at);
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
