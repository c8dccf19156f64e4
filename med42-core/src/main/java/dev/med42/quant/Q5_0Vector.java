package dev.med42.quant;

import static dev.med42.quant.Blocks.INT_LE;
import static dev.med42.quant.Blocks.SHORT_LE;
import static dev.med42.quant.Q4_0Vector.ALIGN_NIBBLES;
import static dev.med42.quant.Q4_0Vector.BOTH_HALVES;
import static dev.med42.quant.VectorLanes.F256;
import static dev.med42.quant.VectorLanes.I128;
import static dev.med42.quant.VectorLanes.I256;
import static dev.med42.quant.VectorLanes.LE;
import static dev.med42.quant.VectorLanes.NIBBLE;
import static dev.med42.quant.VectorLanes.S256;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.NE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;

/** {@link Q5_0#dot} with the Vector API, bit for bit; nibbles unpacked as in {@link Q4_0Vector}. */
final class Q5_0Vector {
    /** Lanes 8..15, which hold the weights 16..31 and so the high half-word of {@code qh}. */
    static final VectorMask<Short> UPPER_SHORTS = VectorMask.fromLong(S256, 0xff00L);
    /** Lane {@code i} tests the fifth bit of weight {@code 2i} in its half-word of {@code qh}. */
    static final ShortVector EVEN_BITS = bits(0);
    /** Lane {@code i} tests the fifth bit of weight {@code 2i + 1}. */
    static final ShortVector ODD_BITS = bits(1);

    static final ShortVector SIXTEEN = ShortVector.broadcast(S256, (short) 16);

    private Q5_0Vector() {}

    private static ShortVector bits(int first) {
        short[] bits = new short[16];
        for (int i = 0; i < 16; i++) {
            bits[i] = (short) (1 << ((2 * i + first) % 16));
        }
        return ShortVector.fromArray(S256, bits, 0);
    }

    static float dot(MemorySegment data, long row, Activations x, int token) {
        int blocks = x.columns() / 32;
        short[] qs = x.qs;
        float[] scales = x.d;
        int q = token * x.columns();
        int s = token * blocks;
        FloatVector acc = FloatVector.zero(F256);
        ShortVector zero = ShortVector.zero(S256);
        for (int b = 0; b < blocks; b++, q += 32) {
            long block = row + (long) b * Q5_0.BLOCK_BYTES;
            float d = Float.float16ToFloat(data.get(SHORT_LE, block)) * scales[s + b];
            int qh = data.get(INT_LE, block + 2);
            ShortVector high = ShortVector.broadcast(S256, (short) qh).blend((short) (qh >>> 16), UPPER_SHORTS);
            ShortVector n = ((IntVector) IntVector.fromMemorySegment(I128, data, block + 6, LE)
                            .reinterpretShape(I256, 0))
                    .rearrange(BOTH_HALVES)
                    .reinterpretAsShorts()
                    .mul(ALIGN_NIBBLES);
            // (q | fifth bit << 4) - 16
            ShortVector even = n.lanewise(LSHR, 4)
                    .and(NIBBLE)
                    .or(zero.blend(SIXTEEN, high.and(EVEN_BITS).compare(NE, 0)))
                    .sub(SIXTEEN);
            ShortVector odd = n.lanewise(LSHR, 12)
                    .or(zero.blend(SIXTEEN, high.and(ODD_BITS).compare(NE, 0)))
                    .sub(SIXTEEN);
            IntVector p = even.mul(ShortVector.fromArray(S256, qs, q))
                    .add(odd.mul(ShortVector.fromArray(S256, qs, q + 16)))
                    .reinterpretAsInts();
            IntVector lanes = p.mul(0x10001).lanewise(ASHR, 16);
            acc = ((FloatVector) lanes.convert(I2F, 0)).fma(FloatVector.broadcast(F256, d), acc);
        }
        return ((acc.lane(0) + acc.lane(4)) + (acc.lane(2) + acc.lane(6)))
                + ((acc.lane(1) + acc.lane(5)) + (acc.lane(3) + acc.lane(7)));
    }
}
