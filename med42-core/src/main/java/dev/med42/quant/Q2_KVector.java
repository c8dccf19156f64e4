package dev.med42.quant;

import static dev.med42.quant.Blocks.SHORT_LE;
import static dev.med42.quant.VectorLanes.B128;
import static dev.med42.quant.VectorLanes.B256;
import static dev.med42.quant.VectorLanes.B64;
import static dev.med42.quant.VectorLanes.F256;
import static dev.med42.quant.VectorLanes.I256;
import static dev.med42.quant.VectorLanes.LE;
import static dev.med42.quant.VectorLanes.NIBBLE;
import static dev.med42.quant.VectorLanes.S256;
import static dev.med42.quant.VectorLanes.SCALES_0;
import static dev.med42.quant.VectorLanes.SCALES_1;
import static dev.med42.quant.VectorLanes.SCALES_2;
import static dev.med42.quant.VectorLanes.SCALES_3;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.B2I;
import static jdk.incubator.vector.VectorOperators.B2S;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/** {@link Q2_K#dot} with the Vector API, bit for bit; the int8 lanes as {@link VectorLanes} describes. */
final class Q2_KVector {
    private static final ShortVector TWO_BITS = ShortVector.broadcast(S256, (short) 3);

    private Q2_KVector() {}

    static float dot(MemorySegment data, long row, Activations x, int token) {
        int blocks = x.columns() / 256;
        short[] qs = x.qs;
        short[] bsums = x.bsums;
        float[] scales = x.d;
        int q = token * x.columns();
        int bs = token * (x.columns() / 16);
        int s = token * blocks;
        FloatVector acc = FloatVector.zero(F256);
        for (int b = 0; b < blocks; b++, bs += 16) {
            long block = row + (long) b * Q2_K.BLOCK_BYTES;
            float dall = scales[s + b] * Float.float16ToFloat(data.get(SHORT_LE, block + 80));
            float dmin = -scales[s + b] * Float.float16ToFloat(data.get(SHORT_LE, block + 82));
            // the mins (high nibbles) times the 16-sums, two sub-blocks per lane; 15 * 16 * 127 fits a short, but the
            // sum of two does not, so the shorts are added as ints
            IntVector minProducts = ((ShortVector)
                            ByteVector.fromMemorySegment(B128, data, block, LE).convertShape(B2S, S256, 0))
                    .lanewise(LSHR, 4)
                    .and(NIBBLE)
                    .mul(ShortVector.fromArray(S256, bsums, bs))
                    .reinterpretAsInts();
            IntVector mins = minProducts.lanewise(LSHL, 16).lanewise(ASHR, 16).add(minProducts.lanewise(ASHR, 16));
            acc = ((FloatVector) mins.convert(I2F, 0)).fma(FloatVector.broadcast(F256, dmin), acc);
            IntVector sum = IntVector.zero(I256);
            // half h of 128: chunk l of 32 is bits 2l of qs[32h + p], scaled by the low nibbles of scales[8h + 2l..]
            for (int h = 0; h < 2; h++, q += 128) {
                IntVector sc = ((IntVector) ByteVector.fromMemorySegment(B64, data, block + 8 * h, LE)
                                .convertShape(B2I, I256, 0))
                        .and(0xf);
                ShortVector bits = ByteVector.fromMemorySegment(B256, data, block + 16 + 32 * h, LE)
                        .reinterpretAsShorts();
                IntVector p0 = bits.and(TWO_BITS)
                        .mul(ShortVector.fromArray(S256, qs, q))
                        .add(bits.lanewise(LSHR, 8).and(TWO_BITS).mul(ShortVector.fromArray(S256, qs, q + 16)))
                        .reinterpretAsInts();
                IntVector p1 = bits.lanewise(LSHR, 2)
                        .and(TWO_BITS)
                        .mul(ShortVector.fromArray(S256, qs, q + 32))
                        .add(bits.lanewise(LSHR, 10).and(TWO_BITS).mul(ShortVector.fromArray(S256, qs, q + 48)))
                        .reinterpretAsInts();
                IntVector p2 = bits.lanewise(LSHR, 4)
                        .and(TWO_BITS)
                        .mul(ShortVector.fromArray(S256, qs, q + 64))
                        .add(bits.lanewise(LSHR, 12).and(TWO_BITS).mul(ShortVector.fromArray(S256, qs, q + 80)))
                        .reinterpretAsInts();
                IntVector p3 = bits.lanewise(LSHR, 6)
                        .and(TWO_BITS)
                        .mul(ShortVector.fromArray(S256, qs, q + 96))
                        .add(bits.lanewise(LSHR, 14).mul(ShortVector.fromArray(S256, qs, q + 112)))
                        .reinterpretAsInts();
                sum = sum.add(p0.mul(0x10001).lanewise(ASHR, 16).mul(sc.rearrange(SCALES_0)))
                        .add(p1.mul(0x10001).lanewise(ASHR, 16).mul(sc.rearrange(SCALES_1)))
                        .add(p2.mul(0x10001).lanewise(ASHR, 16).mul(sc.rearrange(SCALES_2)))
                        .add(p3.mul(0x10001).lanewise(ASHR, 16).mul(sc.rearrange(SCALES_3)));
            }
            acc = ((FloatVector) sum.convert(I2F, 0)).fma(FloatVector.broadcast(F256, dall), acc);
        }
        return ((acc.lane(0) + acc.lane(4)) + (acc.lane(2) + acc.lane(6)))
                + ((acc.lane(1) + acc.lane(5)) + (acc.lane(3) + acc.lane(7)));
    }
}
