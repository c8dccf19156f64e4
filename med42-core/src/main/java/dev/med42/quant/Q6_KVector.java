package dev.med42.quant;

import static dev.med42.quant.Blocks.fp16;
import static dev.med42.quant.VectorLanes.B64;
import static dev.med42.quant.VectorLanes.F256;
import static dev.med42.quant.VectorLanes.I256;
import static dev.med42.quant.VectorLanes.LE;
import static dev.med42.quant.VectorLanes.dot32;
import static dev.med42.quant.VectorLanes.hsum8;
import static dev.med42.quant.VectorLanes.toFloats;
import static jdk.incubator.vector.VectorOperators.B2I;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/** {@link Q6_K#dot} with the Vector API, bit for bit. */
final class Q6_KVector {
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
            float d = scales[s + b] * fp16(data, block + 208);
            IntVector sum = half(data, block, 0, qs, q).add(half(data, block, 1, qs, q + 128));
            acc = toFloats(sum).fma(FloatVector.broadcast(F256, d), acc);
        }
        return hsum8(acc);
    }

    /** The scaled lanes of half {@code h} (128 weights) of a block. */
    private static IntVector half(MemorySegment data, long block, int h, short[] qs, int q) {
        IntVector scales = (IntVector)
                ByteVector.fromMemorySegment(B64, data, block + 192 + 8 * h, LE).convertShape(B2I, I256, 0);
        ShortVector ql1 = KVectors.load(data, block + 64 * h);
        ShortVector ql2 = KVectors.load(data, block + 64 * h + 32);
        ShortVector qh = KVectors.load(data, block + 128 + 32 * h);
        // chunk c: low 4 bits from the low (c < 2) or high nibbles of ql1 (c even) or ql2, top 2 bits at bits 2c of qh
        IntVector c0 = dot32(
                q6(ql1.and((short) 0xf), qh.lanewise(LSHL, 4)),
                q6(ql1.lanewise(LSHR, 8).and((short) 0xf), qh.lanewise(LSHR, 4)),
                qs,
                q);
        IntVector c1 = dot32(
                q6(ql2.and((short) 0xf), qh.lanewise(LSHL, 2)),
                q6(ql2.lanewise(LSHR, 8).and((short) 0xf), qh.lanewise(LSHR, 6)),
                qs,
                q + 32);
        IntVector c2 = dot32(
                q6(ql1.lanewise(LSHR, 4).and((short) 0xf), qh),
                q6(ql1.lanewise(LSHR, 12), qh.lanewise(LSHR, 8)),
                qs,
                q + 64);
        IntVector c3 = dot32(
                q6(ql2.lanewise(LSHR, 4).and((short) 0xf), qh.lanewise(LSHR, 2)),
                q6(ql2.lanewise(LSHR, 12), qh.lanewise(LSHR, 10)),
                qs,
                q + 96);
        return KVectors.scale(c0, scales, KVectors.PAIR_0)
                .add(KVectors.scale(c1, scales, KVectors.PAIR_1))
                .add(KVectors.scale(c2, scales, KVectors.PAIR_2).add(KVectors.scale(c3, scales, KVectors.PAIR_3)));
    }

    /** {@code low | (top 2 bits, already shifted to bits 4 and 5) - 32}. */
    private static ShortVector q6(ShortVector low, ShortVector shiftedHigh) {
        return low.or(shiftedHigh.and((short) 0x30)).sub((short) 32);
    }
}
