package dev.med42.quant;

import static dev.med42.quant.Blocks.fp16;
import static dev.med42.quant.VectorLanes.F256;
import static dev.med42.quant.VectorLanes.dot32;
import static dev.med42.quant.VectorLanes.hsum8;
import static dev.med42.quant.VectorLanes.toFloats;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;

/** {@link Q4_1#dot} with the Vector API, bit for bit. */
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
            float d = fp16(data, block) * scales[s + b];
            summs = Math.fma(fp16(data, block + 2), sums[s + b], summs);
            ShortVector w = Q4_0Vector.nibbles(data, block + 4);
            acc = toFloats(dot32(Q4_0Vector.even(w), Q4_0Vector.odd(w), qs, q))
                    .fma(FloatVector.broadcast(F256, d), acc);
        }
        return hsum8(acc) + summs;
    }
}
