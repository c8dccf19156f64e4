package dev.med42.quant;

import static dev.med42.quant.Blocks.fp16;
import static dev.med42.quant.VectorLanes.B64;
import static dev.med42.quant.VectorLanes.F256;
import static dev.med42.quant.VectorLanes.I256;
import static dev.med42.quant.VectorLanes.LE;
import static dev.med42.quant.VectorLanes.S256;
import static dev.med42.quant.VectorLanes.dot32;
import static dev.med42.quant.VectorLanes.hsum8;
import static dev.med42.quant.VectorLanes.pairSums;
import static dev.med42.quant.VectorLanes.toFloats;
import static jdk.incubator.vector.VectorOperators.B2I;
import static jdk.incubator.vector.VectorOperators.B2S;
import static jdk.incubator.vector.VectorOperators.LSHR;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/** {@link Q2_K#dot} with the Vector API, bit for bit. */
final class Q2_KVector {
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
            float dall = scales[s + b] * fp16(data, block + 80);
            float dmin = -scales[s + b] * fp16(data, block + 82);
            // mins (high nibbles) times the 16-sums, pairs of sub-blocks per lane: |15 * 2032| fits a short
            ShortVector mins = ((ShortVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, data, block, LE)
                            .convertShape(B2S, S256, 0))
                    .lanewise(LSHR, 4)
                    .and((short) 0xf);
            IntVector minSums = pairSums(mins.mul(ShortVector.fromArray(S256, bsums, bs)));
            acc = toFloats(minSums).fma(FloatVector.broadcast(F256, dmin), acc);
            IntVector sum = half(data, block, 0, qs, q).add(half(data, block, 1, qs, q + 128));
            acc = toFloats(sum).fma(FloatVector.broadcast(F256, dall), acc);
        }
        return hsum8(acc);
    }

    /** The scaled lanes of half {@code h} (128 weights): chunk {@code l} is bits {@code 2l} of its 32 bytes. */
    private static IntVector half(MemorySegment data, long block, int h, short[] qs, int q) {
        IntVector scales = ((IntVector) ByteVector.fromMemorySegment(B64, data, block + 8 * h, LE)
                        .convertShape(B2I, I256, 0))
                .and(0xf);
        ShortVector bits = KVectors.load(data, block + 16 + 32 * h);
        IntVector c0 = dot32(bits.and((short) 3), bits.lanewise(LSHR, 8).and((short) 3), qs, q);
        IntVector c1 = dot32(
                bits.lanewise(LSHR, 2).and((short) 3), bits.lanewise(LSHR, 10).and((short) 3), qs, q + 32);
        IntVector c2 = dot32(
                bits.lanewise(LSHR, 4).and((short) 3), bits.lanewise(LSHR, 12).and((short) 3), qs, q + 64);
        IntVector c3 = dot32(bits.lanewise(LSHR, 6).and((short) 3), bits.lanewise(LSHR, 14), qs, q + 96);
        return KVectors.scale(c0, scales, KVectors.PAIR_0)
                .add(KVectors.scale(c1, scales, KVectors.PAIR_1))
                .add(KVectors.scale(c2, scales, KVectors.PAIR_2).add(KVectors.scale(c3, scales, KVectors.PAIR_3)));
    }
}
