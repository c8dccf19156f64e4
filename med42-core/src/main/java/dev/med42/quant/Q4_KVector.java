package dev.med42.quant;

import static dev.med42.quant.Blocks.SHORT_LE;
import static dev.med42.quant.VectorLanes.B256;
import static dev.med42.quant.VectorLanes.F256;
import static dev.med42.quant.VectorLanes.I256;
import static dev.med42.quant.VectorLanes.LE;
import static dev.med42.quant.VectorLanes.S256;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHR;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/** {@link Q4_K#dot} with the Vector API, bit for bit; the int8 lanes as {@link VectorLanes} describes. */
final class Q4_KVector {
    static final ShortVector NIBBLE = ShortVector.broadcast(S256, (short) 0xf);

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
            float d = scales[s + b] * Float.float16ToFloat(data.get(SHORT_LE, block));
            float dmin = -scales[s + b] * Float.float16ToFloat(data.get(SHORT_LE, block + 2));
            long sc = KScales.k4Scales(data, block + 4);
            long mins = KScales.k4Mins(data, block + 4);
            // acc_m: lane m takes the mins of sub-blocks 2m, 2m + 1 times their activation sums
            m0 = Math.fma(dmin, minsTimesSums(mins, bsums, bs, 0), m0);
            m1 = Math.fma(dmin, minsTimesSums(mins, bsums, bs, 2), m1);
            m2 = Math.fma(dmin, minsTimesSums(mins, bsums, bs, 4), m2);
            m3 = Math.fma(dmin, minsTimesSums(mins, bsums, bs, 6), m3);
            IntVector sum = IntVector.zero(I256);
            for (int j = 0, o = q; j < 4; j++, o += 64, sc >>>= 16) {
                // 32 bytes: sub-block 2j in the low nibbles, 2j + 1 in the high ones
                ShortVector w = ByteVector.fromMemorySegment(B256, data, block + 16 + 32 * j, LE)
                        .reinterpretAsShorts();
                IntVector low = w.and(NIBBLE)
                        .mul(ShortVector.fromArray(S256, qs, o))
                        .add(w.lanewise(LSHR, 8).and(NIBBLE).mul(ShortVector.fromArray(S256, qs, o + 16)))
                        .reinterpretAsInts();
                IntVector high = w.lanewise(LSHR, 4)
                        .and(NIBBLE)
                        .mul(ShortVector.fromArray(S256, qs, o + 32))
                        .add(w.lanewise(LSHR, 12).mul(ShortVector.fromArray(S256, qs, o + 48)))
                        .reinterpretAsInts();
                low = low.mul(0x10001).lanewise(ASHR, 16).mul((int) sc & 0xff);
                high = high.mul(0x10001).lanewise(ASHR, 16).mul((int) (sc >>> 8) & 0xff);
                sum = sum.add(low).add(high);
            }
            acc = ((FloatVector) sum.convert(I2F, 0)).fma(FloatVector.broadcast(F256, d), acc);
        }
        return ((acc.lane(0) + acc.lane(4)) + (acc.lane(2) + acc.lane(6)))
                + ((acc.lane(1) + acc.lane(5)) + (acc.lane(3) + acc.lane(7)))
                + ((m0 + m2) + (m1 + m3));
    }

    /** Mins of sub-blocks {@code s} and {@code s + 1} times the sums of their 32 activation quants. */
    static int minsTimesSums(long mins, short[] bsums, int offset, int s) {
        return KScales.at(mins, s) * (bsums[offset + 2 * s] + bsums[offset + 2 * s + 1])
                + KScales.at(mins, s + 1) * (bsums[offset + 2 * s + 2] + bsums[offset + 2 * s + 3]);
    }
}
