package dev.med42.quant;

import static dev.med42.quant.Blocks.SHORT_LE;
import static dev.med42.quant.TileKernels.ROWS;
import static dev.med42.quant.VectorLanes.B128;
import static dev.med42.quant.VectorLanes.F256;
import static dev.med42.quant.VectorLanes.I256;
import static dev.med42.quant.VectorLanes.LE;
import static dev.med42.quant.VectorLanes.S256;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.B2S;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;

/**
 * {@link Q2_KVector#dot} for four rows and many tokens, bit for bit (see {@link TileKernels}): per block, first the
 * mins multiply-add as {@code Q2_KVector} forms it (integers, so any order), then the 2-bit weights times their 4-bit
 * sub-block scales as floats, the eight lane sums by float multiply-adds and the multiply-add by the block scale.
 */
final class Q2_KTile {
    /** Lanes 4..7: positions 16..31 of a chunk, which take the scale of the second sub-block of 16. */
    private static final VectorMask<Float> UPPER = VectorMask.fromLong(F256, 0xf0);

    private Q2_KTile() {}

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
                long block = (row + Math.min(r, rows - 1)) * rowBytes + (long) b * Q2_K.BLOCK_BYTES;
                s.scales[r] = Float.float16ToFloat(data.get(SHORT_LE, block + 80));
                s.mins[r] = Float.float16ToFloat(data.get(SHORT_LE, block + 82));
                // the 16 mins, high nibbles of scales[0..16)
                ((ShortVector) ByteVector.fromMemorySegment(B128, data, block, LE)
                                .convertShape(B2S, S256, 0))
                        .lanewise(LSHR, 4)
                        .and((short) 0xf)
                        .intoArray(s.shortMins, 16 * r);
                // half h of 128: chunk c of 32 is bits 2c of qs[32h + p], positions p < 16 scaled by the low nibble of
                // scales[8h + 2c], the others by that of scales[8h + 2c + 1]
                for (int h = 0; h < 2; h++) {
                    IntVector bits = IntVector.fromMemorySegment(I256, data, block + 16 + 32 * h, LE);
                    for (int c = 0; c < 4; c++) {
                        long scale = block + 8 * h + 2 * c;
                        FloatVector sc = FloatVector.broadcast(F256, data.get(ValueLayout.JAVA_BYTE, scale) & 0xf)
                                .blend(data.get(ValueLayout.JAVA_BYTE, scale + 1) & 0xf, UPPER);
                        int o = 256 * r + 128 * h + 32 * c;
                        for (int i = 0; i < 4; i++) {
                            ((FloatVector) bits.lanewise(LSHR, 8 * i + 2 * c)
                                            .and(3)
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
                // acc lane k += (-dx * dmin) * (mins[2k] bsums[2k] + mins[2k + 1] bsums[2k + 1]), as the row kernel
                ShortVector bsums = ShortVector.fromArray(S256, x.bsums, (t * blocks + b) * 16);
                for (int r = 0; r < ROWS; r++) {
                    IntVector products = ShortVector.fromArray(S256, s.shortMins, 16 * r)
                            .mul(bsums)
                            .reinterpretAsInts();
                    ((FloatVector) products.lanewise(LSHL, 16)
                                    .lanewise(ASHR, 16)
                                    .add(products.lanewise(ASHR, 16))
                                    .convert(I2F, 0))
                            .fma(
                                    FloatVector.broadcast(F256, -dx * s.mins[r]),
                                    FloatVector.fromArray(F256, acc, at + 8 * r))
                            .intoArray(acc, at + 8 * r);
                }
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
