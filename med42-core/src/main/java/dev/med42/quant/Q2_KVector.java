package dev.med42.quant;

import static dev.med42.quant.Blocks.SHORT_LE;
import static dev.med42.quant.VectorLanes.B128;
import static dev.med42.quant.VectorLanes.B256;
import static dev.med42.quant.VectorLanes.F256;
import static dev.med42.quant.VectorLanes.I256;
import static dev.med42.quant.VectorLanes.LE;
import static dev.med42.quant.VectorLanes.S256;
import static dev.med42.quant.VectorLanes.UPPER_INTS;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.B2S;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHR;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/** {@link Q2_K#dot} with the Vector API, bit for bit; the int8 lanes as {@link VectorLanes} describes. */
final class Q2_KVector {
    private static final ShortVector TWO_BITS = ShortVector.broadcast(S256, (short) 3);
    private static final ShortVector NIBBLE = ShortVector.broadcast(S256, (short) 0xf);

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
        for (int b = 0; b < blocks; b++, q += 256, bs += 16) {
            long block = row + (long) b * Q2_K.BLOCK_BYTES;
            float dall = scales[s + b] * Float.float16ToFloat(data.get(SHORT_LE, block + 80));
            float dmin = -scales[s + b] * Float.float16ToFloat(data.get(SHORT_LE, block + 82));
            // the mins (high nibbles) times the 16-sums, two sub-blocks per lane; 15 * 16 * 127 fits a short
            IntVector mins = ((ShortVector)
                            ByteVector.fromMemorySegment(B128, data, block, LE).convertShape(B2S, S256, 0))
                    .lanewise(LSHR, 4)
                    .and(NIBBLE)
                    .mul(ShortVector.fromArray(S256, bsums, bs))
                    .reinterpretAsInts();
            mins = mins.mul(0x10001).lanewise(ASHR, 16);
            acc = ((FloatVector) mins.convert(I2F, 0)).fma(FloatVector.broadcast(F256, dmin), acc);
            IntVector sum = IntVector.zero(I256);
            // chunk c of 32: bits 2(c % 4) of qs[32(c / 4) + p]
            for (int c = 0, o = q; c < 8; c++, o += 32) {
                int shift = 2 * (c & 3);
                ShortVector bits = ByteVector.fromMemorySegment(B256, data, block + 16 + 32 * (c >>> 2), LE)
                        .reinterpretAsShorts();
                IntVector p = bits.lanewise(LSHR, shift)
                        .and(TWO_BITS)
                        .mul(ShortVector.fromArray(S256, qs, o))
                        .add(bits.lanewise(LSHR, shift + 8).and(TWO_BITS).mul(ShortVector.fromArray(S256, qs, o + 16)))
                        .reinterpretAsInts();
                IntVector lanes = p.mul(0x10001).lanewise(ASHR, 16);
                IntVector scale = IntVector.broadcast(I256, data.get(ValueLayout.JAVA_BYTE, block + 2 * c) & 0xf)
                        .blend(data.get(ValueLayout.JAVA_BYTE, block + 2 * c + 1) & 0xf, UPPER_INTS);
                sum = sum.add(lanes.mul(scale));
            }
            acc = ((FloatVector) sum.convert(I2F, 0)).fma(FloatVector.broadcast(F256, dall), acc);
        }
        return ((acc.lane(0) + acc.lane(4)) + (acc.lane(2) + acc.lane(6)))
                + ((acc.lane(1) + acc.lane(5)) + (acc.lane(3) + acc.lane(7)));
    }
}
