package dev.med42.quant;

import static dev.med42.quant.Blocks.SHORT_LE;
import static dev.med42.quant.Q4_0Vector.ALIGN_NIBBLES;
import static dev.med42.quant.Q4_0Vector.BOTH_HALVES;
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

/** {@link Q4_1#dot} with the Vector API, bit for bit; nibbles unpacked as in {@link Q4_0Vector}. */
final class Q4_1Vector {
    private Q4_1Vector() {}

    static float dot(MemorySegment data, long row, Activations x, int token) {
        int blocks = x.columns() / 32;
        short[] qs = x.qs;
        float[] scales = x.d;
        float[] sums = x.s;
        int q = token * x.columns();
        int s = token * blocks;
        FloatVector acc = FloatVector.zero(F256);
        float summs = 0;
        for (int b = 0; b < blocks; b++, q += 32) {
            long block = row + (long) b * Q4_1.BLOCK_BYTES;
            float d = Float.float16ToFloat(data.get(SHORT_LE, block)) * scales[s + b];
            summs = Math.fma(Float.float16ToFloat(data.get(SHORT_LE, block + 2)), sums[s + b], summs);
            ShortVector n = ((IntVector) IntVector.fromMemorySegment(I128, data, block + 4, LE)
                            .reinterpretShape(I256, 0))
                    .rearrange(BOTH_HALVES)
                    .reinterpretAsShorts()
                    .mul(ALIGN_NIBBLES);
            IntVector p = n.lanewise(LSHR, 4)
                    .and(NIBBLE)
                    .mul(ShortVector.fromArray(S256, qs, q))
                    .add(n.lanewise(LSHR, 12).mul(ShortVector.fromArray(S256, qs, q + 16)))
                    .reinterpretAsInts();
            IntVector lanes = p.mul(0x10001).lanewise(ASHR, 16);
            acc = ((FloatVector) lanes.convert(I2F, 0)).fma(FloatVector.broadcast(F256, d), acc);
        }
        return ((acc.lane(0) + acc.lane(4)) + (acc.lane(2) + acc.lane(6)))
                + ((acc.lane(1) + acc.lane(5)) + (acc.lane(3) + acc.lane(7)))
                + summs;
    }
}
