package dev.med42.quant;

import static dev.med42.quant.Blocks.INT_LE;
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

/** {@link Q3_K#dot} with the Vector API, bit for bit. */
final class Q3_KVector {
    // where the top 2 bits of scales 0..7 and 8..15 sit in the word of scale bytes 8..11 (see KScales)
    private static final IntVector HIGH_SHIFTS_0_TO_7 =
            IntVector.fromArray(I256, new int[] {0, 8, 16, 24, 2, 10, 18, 26}, 0);
    private static final IntVector HIGH_SHIFTS_8_TO_15 =
            IntVector.fromArray(I256, new int[] {4, 12, 20, 28, 6, 14, 22, 30}, 0);

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
            float d = scales[s + b] * fp16(data, block + 108);
            IntVector lowBits = (IntVector)
                    ByteVector.fromMemorySegment(B64, data, block + 96, LE).convertShape(B2I, I256, 0);
            IntVector highBits = IntVector.broadcast(I256, data.get(INT_LE, block + 104));
            IntVector scales0to7 = lowBits.and(0xf)
                    .or(highBits.lanewise(LSHR, HIGH_SHIFTS_0_TO_7).and(3).lanewise(LSHL, 4))
                    .sub(32);
            IntVector scales8to15 = lowBits.lanewise(LSHR, 4)
                    .and(0xf)
                    .or(highBits.lanewise(LSHR, HIGH_SHIFTS_8_TO_15).and(3).lanewise(LSHL, 4))
                    .sub(32);
            ShortVector hmask = KVectors.load(data, block);
            IntVector sum = half(data, block + 32, hmask, 0, scales0to7, qs, q)
                    .add(half(data, block + 64, hmask, 1, scales8to15, qs, q + 128));
            acc = toFloats(sum).fma(FloatVector.broadcast(F256, d), acc);
        }
        return hsum8(acc);
    }

    /** The scaled lanes of half {@code h}: low bits in the 32 bytes at {@code low}, high bits {@code 4h..4h+3}. */
    private static IntVector half(
            MemorySegment data, long low, ShortVector hmask, int h, IntVector scales, short[] qs, int q) {
        ShortVector bits = KVectors.load(data, low);
        IntVector c0 = chunk(bits, hmask, 0, 4 * h, qs, q);
        IntVector c1 = chunk(bits, hmask, 1, 4 * h + 1, qs, q + 32);
        IntVector c2 = chunk(bits, hmask, 2, 4 * h + 2, qs, q + 64);
        IntVector c3 = chunk(bits, hmask, 3, 4 * h + 3, qs, q + 96);
        return KVectors.scale(c0, scales, KVectors.PAIR_0)
                .add(KVectors.scale(c1, scales, KVectors.PAIR_1))
                .add(KVectors.scale(c2, scales, KVectors.PAIR_2).add(KVectors.scale(c3, scales, KVectors.PAIR_3)));
    }

    /** Chunk {@code l} of a half: bits {@code 2l} of the low-bit bytes, bit {@code hbit} of hmask; {@code q - 4} when clear. */
    private static IntVector chunk(ShortVector bits, ShortVector hmask, int l, int hbit, short[] qs, int q) {
        ShortVector even = bits.lanewise(LSHR, 2 * l)
                .and((short) 3)
                .or(hmask.lanewise(LSHR, hbit).and((short) 1).lanewise(LSHL, 2))
                .sub((short) 4);
        ShortVector odd = bits.lanewise(LSHR, 2 * l + 8)
                .and((short) 3)
                .or(hmask.lanewise(LSHR, hbit + 8).and((short) 1).lanewise(LSHL, 2))
                .sub((short) 4);
        return dot32(even, odd, qs, q);
    }
}
