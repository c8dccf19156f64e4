package dev.med42.quant;

import static dev.med42.quant.Blocks.SHORT_LE;
import static dev.med42.quant.VectorLanes.B256;
import static dev.med42.quant.VectorLanes.F256;
import static dev.med42.quant.VectorLanes.I256;
import static dev.med42.quant.VectorLanes.LE;
import static dev.med42.quant.VectorLanes.S256;
import static dev.med42.quant.VectorLanes.UPPER_INTS;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/** {@link Q3_K#dot} with the Vector API, bit for bit; the int8 lanes as {@link VectorLanes} describes. */
final class Q3_KVector {
    private static final ShortVector LOW_BITS = ShortVector.broadcast(S256, (short) 3);
    private static final ShortVector HIGH_BIT = ShortVector.broadcast(S256, (short) 4);

    private Q3_KVector() {}

    static float dot(MemorySegment data, long row, Activations x, int token) {
        int blocks = x.columns() / 256;
        short[] qs = x.qs;
        float[] scales = x.d;
        int q = token * x.columns();
        int s = token * blocks;
        FloatVector acc = FloatVector.zero(F256);
        for (int b = 0; b < blocks; b++, q += 256) {
            long block = row + (long) b * Q3_K.BLOCK_BYTES;
            float d = scales[s + b] * Float.float16ToFloat(data.get(SHORT_LE, block + 108));
            long scales0to7 = KScales.q3Scales0to7(data, block + 96);
            long scales8to15 = KScales.q3Scales8to15(data, block + 96);
            IntVector sum = IntVector.zero(I256);
            // chunk c of 32: half h = c / 4, l = c % 4 of it; low 2 bits at bits 2l of qs[32h + p], high bit at bit
            // 4h + l of hmask[p]; q = low - 4 where that bit is clear
            for (int c = 0, o = q; c < 8; c++, o += 32) {
                int h = c >>> 2;
                int l = c & 3;
                int hbit = 4 * h + l;
                ShortVector bits = ByteVector.fromMemorySegment(B256, data, block + 32 + 32 * h, LE)
                        .reinterpretAsShorts();
                ShortVector hmask =
                        ByteVector.fromMemorySegment(B256, data, block, LE).reinterpretAsShorts();
                ShortVector even = bits.lanewise(LSHR, 2 * l)
                        .and(LOW_BITS)
                        .or(hmask.lanewise(LSHR, hbit).lanewise(LSHL, 2).and(HIGH_BIT))
                        .sub(HIGH_BIT);
                ShortVector odd = bits.lanewise(LSHR, 2 * l + 8)
                        .and(LOW_BITS)
                        .or(hmask.lanewise(LSHR, hbit + 6).and(HIGH_BIT))
                        .sub(HIGH_BIT);
                IntVector p = even.mul(ShortVector.fromArray(S256, qs, o))
                        .add(odd.mul(ShortVector.fromArray(S256, qs, o + 16)))
                        .reinterpretAsInts();
                IntVector lanes = p.mul(0x10001).lanewise(ASHR, 16);
                long packed = (c < 4 ? scales0to7 : scales8to15) >>> (16 * l);
                IntVector scale = IntVector.broadcast(I256, ((int) packed & 0xff) - 32)
                        .blend(((int) (packed >>> 8) & 0xff) - 32, UPPER_INTS);
                sum = sum.add(lanes.mul(scale));
            }
            acc = ((FloatVector) sum.convert(I2F, 0)).fma(FloatVector.broadcast(F256, d), acc);
        }
        return ((acc.lane(0) + acc.lane(4)) + (acc.lane(2) + acc.lane(6)))
                + ((acc.lane(1) + acc.lane(5)) + (acc.lane(3) + acc.lane(7)));
    }
}
