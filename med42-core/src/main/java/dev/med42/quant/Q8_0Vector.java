package dev.med42.quant;

import static dev.med42.quant.Blocks.SHORT_LE;
import static dev.med42.quant.VectorLanes.B256;
import static dev.med42.quant.VectorLanes.F256;
import static dev.med42.quant.VectorLanes.LE;
import static dev.med42.quant.VectorLanes.S256;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/** {@link Q8_0#dot} with the Vector API, bit for bit; the int8 lanes as {@link VectorLanes} describes. */
final class Q8_0Vector {
    private Q8_0Vector() {}

    static float dot(MemorySegment data, long row, Activations x, int token) {
        int blocks = x.columns() / 32;
        short[] qs = x.qs;
        float[] scales = x.d;
        int q = token * x.columns();
        int s = token * blocks;
        FloatVector acc = FloatVector.zero(F256);
        for (int b = 0; b < blocks; b++, q += 32) {
            long block = row + (long) b * Q8_0.BLOCK_BYTES;
            float d = Float.float16ToFloat(data.get(SHORT_LE, block)) * scales[s + b];
            ShortVector w =
                    ByteVector.fromMemorySegment(B256, data, block + 2, LE).reinterpretAsShorts();
            IntVector p = w.lanewise(LSHL, 8)
                    .lanewise(ASHR, 8)
                    .mul(ShortVector.fromArray(S256, qs, q))
                    .add(w.lanewise(ASHR, 8).mul(ShortVector.fromArray(S256, qs, q + 16)))
                    .reinterpretAsInts();
            IntVector lanes = p.lanewise(LSHL, 16).lanewise(ASHR, 16).add(p.lanewise(ASHR, 16));
            acc = ((FloatVector) lanes.convert(I2F, 0)).fma(FloatVector.broadcast(F256, d), acc);
        }
        // hsum_float_8
        return ((acc.lane(0) + acc.lane(4)) + (acc.lane(2) + acc.lane(6)))
                + ((acc.lane(1) + acc.lane(5)) + (acc.lane(3) + acc.lane(7)));
    }
}
