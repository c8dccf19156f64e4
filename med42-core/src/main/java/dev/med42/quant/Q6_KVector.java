package dev.med42.quant;

import static dev.med42.quant.Blocks.SHORT_LE;
import static dev.med42.quant.Q4_KVector.NIBBLE;
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
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/** {@link Q6_K#dot} with the Vector API, bit for bit; the int8 lanes as {@link VectorLanes} describes. */
final class Q6_KVector {
    private static final ShortVector TOP_BITS = ShortVector.broadcast(S256, (short) 0x30);
    private static final ShortVector THIRTY_TWO = ShortVector.broadcast(S256, (short) 32);

    private Q6_KVector() {}

    static float dot(MemorySegment data, long row, Activations x, int token) {
        int blocks = x.columns() / 256;
        short[] qs = x.qs;
        float[] scales = x.d;
        int q = token * x.columns();
        int s = token * blocks;
        FloatVector acc = FloatVector.zero(F256);
        for (int b = 0; b < blocks; b++, q += 256) {
            long block = row + (long) b * Q6_K.BLOCK_BYTES;
            float d = scales[s + b] * Float.float16ToFloat(data.get(SHORT_LE, block + 208));
            IntVector sum = IntVector.zero(I256);
            // chunk c of 32: half h = c / 4, k = c % 4 of it; low 4 bits in the low (k < 2) or high nibbles of
            // ql[64h + 32(k % 2) + p], top 2 bits at bits 2k of qh[32h + p]
            for (int c = 0, o = q; c < 8; c++, o += 32) {
                int h = c >>> 2;
                int k = c & 3;
                int nibble = 4 * (k >>> 1);
                ShortVector ql = ByteVector.fromMemorySegment(B256, data, block + 64 * h + 32 * (k & 1), LE)
                        .reinterpretAsShorts();
                ShortVector qh = ByteVector.fromMemorySegment(B256, data, block + 128 + 32 * h, LE)
                        .reinterpretAsShorts();
                ShortVector even = ql.lanewise(LSHR, nibble)
                        .and(NIBBLE)
                        .or(qh.lanewise(LSHR, 2 * k).lanewise(LSHL, 4).and(TOP_BITS))
                        .sub(THIRTY_TWO);
                ShortVector odd = ql.lanewise(LSHR, nibble + 8)
                        .and(NIBBLE)
                        .or(qh.lanewise(LSHR, 2 * k + 4).and(TOP_BITS))
                        .sub(THIRTY_TWO);
                IntVector p = even.mul(ShortVector.fromArray(S256, qs, o))
                        .add(odd.mul(ShortVector.fromArray(S256, qs, o + 16)))
                        .reinterpretAsInts();
                IntVector lanes = p.mul(0x10001).lanewise(ASHR, 16);
                // the scales of sub-blocks 2c (lanes 0..3) and 2c + 1 (lanes 4..7)
                IntVector scale = IntVector.broadcast(I256, data.get(ValueLayout.JAVA_BYTE, block + 192 + 2 * c))
                        .blend(data.get(ValueLayout.JAVA_BYTE, block + 193 + 2 * c), UPPER_INTS);
                sum = sum.add(lanes.mul(scale));
            }
            acc = ((FloatVector) sum.convert(I2F, 0)).fma(FloatVector.broadcast(F256, d), acc);
        }
        return ((acc.lane(0) + acc.lane(4)) + (acc.lane(2) + acc.lane(6)))
                + ((acc.lane(1) + acc.lane(5)) + (acc.lane(3) + acc.lane(7)));
    }
}
