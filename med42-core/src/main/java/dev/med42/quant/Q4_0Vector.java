package dev.med42.quant;

import static dev.med42.quant.Blocks.SHORT_LE;
import static dev.med42.quant.VectorLanes.F256;
import static dev.med42.quant.VectorLanes.I128;
import static dev.med42.quant.VectorLanes.I256;
import static dev.med42.quant.VectorLanes.LE;
import static dev.med42.quant.VectorLanes.NIBBLE;
import static dev.med42.quant.VectorLanes.S256;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHR;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShuffle;

/** {@link Q4_0#dot} with the Vector API, bit for bit; the int8 lanes as {@link VectorLanes} describes. */
final class Q4_0Vector {
    /**
     * The 16 nibble bytes go into both halves of a vector, read as shorts (lanes {@code i} and {@code i + 8} hold
     * bytes {@code 2i, 2i+1}), and the lower half is multiplied by 16: its low nibbles then sit where the upper half
     * has its high nibbles, so that in every lane one shift right by 4 gives the weight at even position {@code 2i}
     * (low nibble of byte {@code 2i} below, high nibble of byte {@code 2i - 16} above) and one by 12 the odd one.
     * Q4_1, Q5_0 and Q5_1 unpack the same way.
     */
    static final VectorShuffle<Integer> BOTH_HALVES = VectorShuffle.fromValues(I256, 0, 1, 2, 3, 0, 1, 2, 3);

    static final ShortVector ALIGN_NIBBLES =
            ShortVector.fromArray(S256, new short[] {16, 16, 16, 16, 16, 16, 16, 16, 1, 1, 1, 1, 1, 1, 1, 1}, 0);
    private static final ShortVector EIGHT = ShortVector.broadcast(S256, (short) 8);

    private Q4_0Vector() {}

    static float dot(MemorySegment data, long row, Activations x, int token) {
        int blocks = x.columns() / 32;
        short[] qs = x.qs;
        float[] scales = x.d;
        int q = token * x.columns();
        int s = token * blocks;
        FloatVector acc = FloatVector.zero(F256);
        for (int b = 0; b < blocks; b++, q += 32) {
            long block = row + (long) b * Q4_0.BLOCK_BYTES;
            float d = Float.float16ToFloat(data.get(SHORT_LE, block)) * scales[s + b];
            ShortVector n = ((IntVector) IntVector.fromMemorySegment(I128, data, block + 2, LE)
                            .reinterpretShape(I256, 0))
                    .rearrange(BOTH_HALVES)
                    .reinterpretAsShorts()
                    .mul(ALIGN_NIBBLES);
            IntVector p = n.lanewise(LSHR, 4)
                    .and(NIBBLE)
                    .sub(EIGHT)
                    .mul(ShortVector.fromArray(S256, qs, q))
                    .add(n.lanewise(LSHR, 12).sub(EIGHT).mul(ShortVector.fromArray(S256, qs, q + 16)))
                    .reinterpretAsInts();
            IntVector lanes = p.mul(0x10001).lanewise(ASHR, 16);
            acc = ((FloatVector) lanes.convert(I2F, 0)).fma(FloatVector.broadcast(F256, d), acc);
        }
        return ((acc.lane(0) + acc.lane(4)) + (acc.lane(2) + acc.lane(6)))
                + ((acc.lane(1) + acc.lane(5)) + (acc.lane(3) + acc.lane(7)));
    }
}
