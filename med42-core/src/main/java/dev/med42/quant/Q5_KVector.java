package dev.med42.quant;

import static dev.med42.quant.Blocks.SHORT_LE;
import static dev.med42.quant.VectorLanes.B256;
import static dev.med42.quant.VectorLanes.F256;
import static dev.med42.quant.VectorLanes.I256;
import static dev.med42.quant.VectorLanes.L128;
import static dev.med42.quant.VectorLanes.LE;
import static dev.med42.quant.VectorLanes.NIBBLE;
import static dev.med42.quant.VectorLanes.S256;
import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.B2I;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;

/** {@link Q5_K#dot} with the Vector API, bit for bit; the int8 lanes as {@link VectorLanes} describes. */
final class Q5_KVector {
    private static final ShortVector FIFTH_BIT = ShortVector.broadcast(S256, (short) 0x10);

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
            float d = scales[s + b] * Float.float16ToFloat(data.get(SHORT_LE, block));
            float dmin = -scales[s + b] * Float.float16ToFloat(data.get(SHORT_LE, block + 2));
            long sc = KScales.k4Scales(data, block + 4);
            long mins = KScales.k4Mins(data, block + 4);
            // the mins times the sums of their sub-blocks' 32 activation quants, added up as one integer
            IntVector sums = ShortVector.fromArray(S256, bsums, bs)
                    .reinterpretAsInts()
                    .mul(0x10001)
                    .lanewise(ASHR, 16);
            IntVector minValues = (IntVector)
                    LongVector.broadcast(L128, mins).reinterpretAsBytes().convertShape(B2I, I256, 0);
            summs = Math.fma(dmin, minValues.mul(sums).reduceLanes(ADD), summs);
            IntVector sum = IntVector.zero(I256);
            for (int j = 0, o = q; j < 4; j++, o += 64, sc >>>= 16) {
                ShortVector w = ByteVector.fromMemorySegment(B256, data, block + 48 + 32 * j, LE)
                        .reinterpretAsShorts();
                // bit 2j of qh[p] is the fifth bit of weight p of sub-block 2j, bit 2j + 1 that of sub-block 2j + 1
                ShortVector qh = ByteVector.fromMemorySegment(B256, data, block + 16, LE)
                        .reinterpretAsShorts()
                        .lanewise(LSHR, 2 * j);
                ShortVector lowEven = w.and(NIBBLE).or(qh.lanewise(LSHL, 4).and(FIFTH_BIT));
                ShortVector lowOdd =
                        w.lanewise(LSHR, 8).and(NIBBLE).or(qh.lanewise(LSHR, 4).and(FIFTH_BIT));
                ShortVector highEven =
                        w.lanewise(LSHR, 4).and(NIBBLE).or(qh.lanewise(LSHL, 3).and(FIFTH_BIT));
                ShortVector highOdd =
                        w.lanewise(LSHR, 12).or(qh.lanewise(LSHR, 5).and(FIFTH_BIT));
                IntVector low = lowEven.mul(ShortVector.fromArray(S256, qs, o))
                        .add(lowOdd.mul(ShortVector.fromArray(S256, qs, o + 16)))
                        .reinterpretAsInts();
                IntVector high = highEven.mul(ShortVector.fromArray(S256, qs, o + 32))
                        .add(highOdd.mul(ShortVector.fromArray(S256, qs, o + 48)))
                        .reinterpretAsInts();
                low = low.mul(0x10001).lanewise(ASHR, 16).mul((int) sc & 0xff);
                high = high.mul(0x10001).lanewise(ASHR, 16).mul((int) (sc >>> 8) & 0xff);
                sum = sum.add(low).add(high);
            }
            acc = ((FloatVector) sum.convert(I2F, 0)).fma(FloatVector.broadcast(F256, d), acc);
        }
        return ((acc.lane(0) + acc.lane(4)) + (acc.lane(2) + acc.lane(6)))
                + ((acc.lane(1) + acc.lane(5)) + (acc.lane(3) + acc.lane(7)))
                + summs;
    }
}
