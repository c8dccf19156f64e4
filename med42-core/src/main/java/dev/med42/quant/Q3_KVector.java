package dev.med42.quant;

import static dev.med42.quant.Blocks.SHORT_LE;
import static dev.med42.quant.VectorLanes.B256;
import static dev.med42.quant.VectorLanes.F256;
import static dev.med42.quant.VectorLanes.I256;
import static dev.med42.quant.VectorLanes.L128;
import static dev.med42.quant.VectorLanes.LE;
import static dev.med42.quant.VectorLanes.S256;
import static dev.med42.quant.VectorLanes.SCALES_0;
import static dev.med42.quant.VectorLanes.SCALES_1;
import static dev.med42.quant.VectorLanes.SCALES_2;
import static dev.med42.quant.VectorLanes.SCALES_3;
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
        for (int b = 0; b < blocks; b++) {
            long block = row + (long) b * Q3_K.BLOCK_BYTES;
            float d = scales[s + b] * Float.float16ToFloat(data.get(SHORT_LE, block + 108));
            long scales0to7 = KScales.q3Scales0to7(data, block + 96);
            long scales8to15 = KScales.q3Scales8to15(data, block + 96);
            ShortVector hmask =
                    ByteVector.fromMemorySegment(B256, data, block, LE).reinterpretAsShorts();
            IntVector sum = IntVector.zero(I256);
            // half h of 128: chunk l of 32 has its low 2 bits at bits 2l of qs[32h + p] and its high bit at bit 4h + l
            // of hmask[p]; q = low - 4 where that bit is clear, so q = (low | bit << 2) - 4
            for (int h = 0; h < 2; h++, q += 128) {
                IntVector sc = ((IntVector) LongVector.broadcast(L128, h == 0 ? scales0to7 : scales8to15)
                                .reinterpretAsBytes()
                                .convertShape(B2I, I256, 0))
                        .sub(32);
                ShortVector bits = ByteVector.fromMemorySegment(B256, data, block + 32 + 32 * h, LE)
                        .reinterpretAsShorts();
                ShortVector high = hmask.lanewise(LSHR, 4 * h);
                IntVector p0 = bits.and(LOW_BITS)
                        .or(high.lanewise(LSHL, 2).and(HIGH_BIT))
                        .sub(HIGH_BIT)
                        .mul(ShortVector.fromArray(S256, qs, q))
                        .add(bits.lanewise(LSHR, 8)
                                .and(LOW_BITS)
                                .or(high.lanewise(LSHR, 6).and(HIGH_BIT))
                                .sub(HIGH_BIT)
                                .mul(ShortVector.fromArray(S256, qs, q + 16)))
                        .reinterpretAsInts();
                IntVector p1 = bits.lanewise(LSHR, 2)
                        .and(LOW_BITS)
                        .or(high.lanewise(LSHL, 1).and(HIGH_BIT))
                        .sub(HIGH_BIT)
                        .mul(ShortVector.fromArray(S256, qs, q + 32))
                        .add(bits.lanewise(LSHR, 10)
                                .and(LOW_BITS)
                                .or(high.lanewise(LSHR, 7).and(HIGH_BIT))
                                .sub(HIGH_BIT)
                                .mul(ShortVector.fromArray(S256, qs, q + 48)))
                        .reinterpretAsInts();
                IntVector p2 = bits.lanewise(LSHR, 4)
                        .and(LOW_BITS)
                        .or(high.and(HIGH_BIT))
                        .sub(HIGH_BIT)
                        .mul(ShortVector.fromArray(S256, qs, q + 64))
                        .add(bits.lanewise(LSHR, 12)
                                .and(LOW_BITS)
                                .or(high.lanewise(LSHR, 8).and(HIGH_BIT))
                                .sub(HIGH_BIT)
                                .mul(ShortVector.fromArray(S256, qs, q + 80)))
                        .reinterpretAsInts();
                IntVector p3 = bits.lanewise(LSHR, 6)
                        .and(LOW_BITS)
                        .or(high.lanewise(LSHR, 1).and(HIGH_BIT))
                        .sub(HIGH_BIT)
                        .mul(ShortVector.fromArray(S256, qs, q + 96))
                        .add(bits.lanewise(LSHR, 14)
                                .or(high.lanewise(LSHR, 9).and(HIGH_BIT))
                                .sub(HIGH_BIT)
                                .mul(ShortVector.fromArray(S256, qs, q + 112)))
                        .reinterpretAsInts();
                sum = sum.add(p0.mul(0x10001).lanewise(ASHR, 16).mul(sc.rearrange(SCALES_0)))
                        .add(p1.mul(0x10001).lanewise(ASHR, 16).mul(sc.rearrange(SCALES_1)))
                        .add(p2.mul(0x10001).lanewise(ASHR, 16).mul(sc.rearrange(SCALES_2)))
                        .add(p3.mul(0x10001).lanewise(ASHR, 16).mul(sc.rearrange(SCALES_3)));
            }
            acc = ((FloatVector) sum.convert(I2F, 0)).fma(FloatVector.broadcast(F256, d), acc);
        }
        return ((acc.lane(0) + acc.lane(4)) + (acc.lane(2) + acc.lane(6)))
                + ((acc.lane(1) + acc.lane(5)) + (acc.lane(3) + acc.lane(7)));
    }
}
