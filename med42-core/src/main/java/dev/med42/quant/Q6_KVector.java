package dev.med42.quant;

import static dev.med42.quant.Blocks.SHORT_LE;
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
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

import java.lang.foreign.MemorySegment;
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
        for (int b = 0; b < blocks; b++) {
            long block = row + (long) b * Q6_K.BLOCK_BYTES;
            float d = scales[s + b] * Float.float16ToFloat(data.get(SHORT_LE, block + 208));
            IntVector sum = IntVector.zero(I256);
            // half h of 128: ql1 = ql[64h..], ql2 = ql[64h + 32..], qh = qh[32h..]. Chunk k of 32 has its low 4 bits
            // in the low (k < 2) or high nibbles of ql1 (k even) or ql2, its top 2 bits at bits 2k of qh.
            for (int h = 0; h < 2; h++, q += 128) {
                IntVector sc = (IntVector) ByteVector.fromMemorySegment(B64, data, block + 192 + 8 * h, LE)
                        .convertShape(B2I, I256, 0);
                ShortVector ql1 = ByteVector.fromMemorySegment(B256, data, block + 64 * h, LE)
                        .reinterpretAsShorts();
                ShortVector ql2 = ByteVector.fromMemorySegment(B256, data, block + 64 * h + 32, LE)
                        .reinterpretAsShorts();
                ShortVector qh = ByteVector.fromMemorySegment(B256, data, block + 128 + 32 * h, LE)
                        .reinterpretAsShorts();
                IntVector p0 = ql1.and(NIBBLE)
                        .or(qh.lanewise(LSHL, 4).and(TOP_BITS))
                        .sub(THIRTY_TWO)
                        .mul(ShortVector.fromArray(S256, qs, q))
                        .add(ql1.lanewise(LSHR, 8)
                                .and(NIBBLE)
                                .or(qh.lanewise(LSHR, 4).and(TOP_BITS))
                                .sub(THIRTY_TWO)
                                .mul(ShortVector.fromArray(S256, qs, q + 16)))
                        .reinterpretAsInts();
                IntVector p1 = ql2.and(NIBBLE)
                        .or(qh.lanewise(LSHL, 2).and(TOP_BITS))
                        .sub(THIRTY_TWO)
                        .mul(ShortVector.fromArray(S256, qs, q + 32))
                        .add(ql2.lanewise(LSHR, 8)
                                .and(NIBBLE)
                                .or(qh.lanewise(LSHR, 6).and(TOP_BITS))
                                .sub(THIRTY_TWO)
                                .mul(ShortVector.fromArray(S256, qs, q + 48)))
                        .reinterpretAsInts();
                IntVector p2 = ql1.lanewise(LSHR, 4)
                        .and(NIBBLE)
                        .or(qh.and(TOP_BITS))
                        .sub(THIRTY_TWO)
                        .mul(ShortVector.fromArray(S256, qs, q + 64))
                        .add(ql1.lanewise(LSHR, 12)
                                .or(qh.lanewise(LSHR, 8).and(TOP_BITS))
                                .sub(THIRTY_TWO)
                                .mul(ShortVector.fromArray(S256, qs, q + 80)))
                        .reinterpretAsInts();
                IntVector p3 = ql2.lanewise(LSHR, 4)
                        .and(NIBBLE)
                        .or(qh.lanewise(LSHR, 2).and(TOP_BITS))
                        .sub(THIRTY_TWO)
                        .mul(ShortVector.fromArray(S256, qs, q + 96))
                        .add(ql2.lanewise(LSHR, 12)
                                .or(qh.lanewise(LSHR, 10).and(TOP_BITS))
                                .sub(THIRTY_TWO)
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
