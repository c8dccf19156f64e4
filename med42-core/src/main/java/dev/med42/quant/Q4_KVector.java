package dev.med42.quant;

import static dev.med42.quant.Blocks.fp16;
import static dev.med42.quant.VectorLanes.F256;
import static dev.med42.quant.VectorLanes.I256;
import static dev.med42.quant.VectorLanes.dot32;
import static dev.med42.quant.VectorLanes.hsum8;
import static dev.med42.quant.VectorLanes.toFloats;
import static jdk.incubator.vector.VectorOperators.LSHR;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/** {@link Q4_K#dot} with the Vector API, bit for bit. */
final class Q4_KVector {
    private Q4_KVector() {}

    static float dot(MemorySegment data, long row, Activations x, int token) {
        int blocks = x.columns() / 256;
        short[] qs = x.qs;
        short[] bsums = x.bsums;
        float[] scales = x.d;
        int q = token * x.columns();
        int bs = token * (x.columns() / 16);
        int s = token * blocks;
        FloatVector acc = FloatVector.zero(F256);
        float m0 = 0;
        float m1 = 0;
        float m2 = 0;
        float m3 = 0;
        for (int b = 0; b < blocks; b++, q += 256, bs += 16) {
            long block = row + (long) b * Q4_K.BLOCK_BYTES;
            float d = scales[s + b] * fp16(data, block);
            float dmin = -scales[s + b] * fp16(data, block + 2);
            long sc = KScales.k4Scales(data, block + 4);
            long mins = KScales.k4Mins(data, block + 4);
            m0 = Math.fma(dmin, mins(mins, bsums, bs, 0) + mins(mins, bsums, bs, 1), m0);
            m1 = Math.fma(dmin, mins(mins, bsums, bs, 2) + mins(mins, bsums, bs, 3), m1);
            m2 = Math.fma(dmin, mins(mins, bsums, bs, 4) + mins(mins, bsums, bs, 5), m2);
            m3 = Math.fma(dmin, mins(mins, bsums, bs, 6) + mins(mins, bsums, bs, 7), m3);
            IntVector sum = IntVector.zero(I256);
            for (int j = 0; j < 4; j++) {
                // 32 bytes: sub-block 2j in the low nibbles, 2j + 1 in the high ones
                ShortVector w = KVectors.load(data, block + 16 + 32 * j);
                IntVector low = dot32(w.and((short) 0xf), w.lanewise(LSHR, 8).and((short) 0xf), qs, q + 64 * j);
                IntVector high = dot32(w.lanewise(LSHR, 4).and((short) 0xf), w.lanewise(LSHR, 12), qs, q + 64 * j + 32);
                sum = sum.add(low.mul(KScales.at(sc, 2 * j))).add(high.mul(KScales.at(sc, 2 * j + 1)));
            }
            acc = toFloats(sum).fma(FloatVector.broadcast(F256, d), acc);
        }
        return hsum8(acc) + Reductions.hsum4(m0, m1, m2, m3);
    }

    /** Min of sub-block {@code s} times the sum of its 32 activation quants. */
    static int mins(long mins, short[] bsums, int offset, int s) {
        return KScales.at(mins, s) * (bsums[offset + 2 * s] + bsums[offset + 2 * s + 1]);
    }
}
