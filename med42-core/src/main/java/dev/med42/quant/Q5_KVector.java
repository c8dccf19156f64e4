package dev.med42.quant;

import static dev.med42.quant.Blocks.fp16;
import static dev.med42.quant.VectorLanes.F256;
import static dev.med42.quant.VectorLanes.I256;
import static dev.med42.quant.VectorLanes.dot32;
import static dev.med42.quant.VectorLanes.hsum8;
import static dev.med42.quant.VectorLanes.toFloats;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/** {@link Q5_K#dot} with the Vector API, bit for bit. */
final class Q5_KVector {
    private Q5_KVector() {}

    static float dot(MemorySegment data, long row, Activations x, int token) {
        int blocks = x.columns() / 256;
        short[] qs = x.qs;
        short[] bsums = x.bsums;
        float[] scales = x.d;
        int q = token * x.columns();
        int bs = token * (x.columns() / 16);
        int s = token * blocks;
        FloatVector acc = FloatVector.zero(F256);
        float summs = 0;
        for (int b = 0; b < blocks; b++, q += 256, bs += 16) {
            long block = row + (long) b * Q5_K.BLOCK_BYTES;
            float d = scales[s + b] * fp16(data, block);
            float dmin = -scales[s + b] * fp16(data, block + 2);
            long sc = KScales.k4Scales(data, block + 4);
            long mins = KScales.k4Mins(data, block + 4);
            int minSum = 0;
            for (int m = 0; m < 8; m++) {
                minSum += Q4_KVector.mins(mins, bsums, bs, m);
            }
            summs = Math.fma(dmin, minSum, summs);
            ShortVector qh = KVectors.load(data, block + 16);
            IntVector sum = IntVector.zero(I256);
            for (int j = 0; j < 4; j++) {
                ShortVector w = KVectors.load(data, block + 48 + 32 * j);
                ShortVector lowEven = w.and((short) 0xf).or(fifthBit(qh, 2 * j));
                ShortVector lowOdd = w.lanewise(LSHR, 8).and((short) 0xf).or(fifthBit(qh, 2 * j + 8));
                ShortVector highEven = w.lanewise(LSHR, 4).and((short) 0xf).or(fifthBit(qh, 2 * j + 1));
                ShortVector highOdd = w.lanewise(LSHR, 12).or(fifthBit(qh, 2 * j + 9));
                IntVector low = dot32(lowEven, lowOdd, qs, q + 64 * j);
                IntVector high = dot32(highEven, highOdd, qs, q + 64 * j + 32);
                sum = sum.add(low.mul(KScales.at(sc, 2 * j))).add(high.mul(KScales.at(sc, 2 * j + 1)));
            }
            acc = toFloats(sum).fma(FloatVector.broadcast(F256, d), acc);
        }
        return hsum8(acc) + summs;
    }

    /** 16 where bit {@code bit} of the {@code qh} shorts is set. */
    private static ShortVector fifthBit(ShortVector qh, int bit) {
        return qh.lanewise(LSHR, bit).and((short) 1).lanewise(LSHL, 4);
    }
}
