package dev.med42.quant;

import static dev.med42.quant.Blocks.fp16;
import static dev.med42.quant.VectorLanes.F256;
import static dev.med42.quant.VectorLanes.I128;
import static dev.med42.quant.VectorLanes.I256;
import static dev.med42.quant.VectorLanes.LE;
import static dev.med42.quant.VectorLanes.S256;
import static dev.med42.quant.VectorLanes.dot32;
import static dev.med42.quant.VectorLanes.hsum8;
import static dev.med42.quant.VectorLanes.toFloats;
import static jdk.incubator.vector.VectorOperators.LSHR;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShuffle;

/** {@link Q4_0#dot} with the Vector API, bit for bit; also the nibble unpacking Q4_1, Q5_0 and Q5_1 share. */
final class Q4_0Vector {
    private static final VectorShuffle<Integer> BOTH_HALVES = VectorShuffle.fromValues(I256, 0, 1, 2, 3, 0, 1, 2, 3);
    private static final ShortVector ALIGN_NIBBLES =
            ShortVector.fromArray(S256, new short[] {16, 16, 16, 16, 16, 16, 16, 16, 1, 1, 1, 1, 1, 1, 1, 1}, 0);

    private Q4_0Vector() {}

    /**
     * The 16 nibble bytes at {@code offset} in both halves of a vector, read as shorts (lane {@code i} and {@code i +
     * 8} hold bytes {@code 2i, 2i+1}), the lower half multiplied by 16: its low nibbles then sit where the upper half
     * has its high nibbles, so that weight {@code 2i} (low nibble of byte {@code 2i} for {@code i < 8}, high nibble
     * of byte {@code 2i - 16} above) is one shift away in every lane; see {@link #even} and {@link #odd}.
     */
    static ShortVector nibbles(MemorySegment data, long offset) {
        IntVector q =
                (IntVector) IntVector.fromMemorySegment(I128, data, offset, LE).reinterpretShape(I256, 0);
        return q.rearrange(BOTH_HALVES).reinterpretAsShorts().mul(ALIGN_NIBBLES);
    }

    /** The 4-bit weights at even positions of {@link #nibbles}. */
    static ShortVector even(ShortVector nibbles) {
        return nibbles.lanewise(LSHR, 4).and((short) 0xf);
    }

    /** The 4-bit weights at odd positions of {@link #nibbles}. */
    static ShortVector odd(ShortVector nibbles) {
        return nibbles.lanewise(LSHR, 12);
    }

    static float dot(MemorySegment data, long row, Activations x, int token) {
        int blocks = x.columns() / 32;
        short[] qs = x.qs;
        float[] scales = x.d;
        int q = token * x.columns();
        int s = token * blocks;
        FloatVector acc = FloatVector.zero(F256);
        for (int b = 0; b < blocks; b++, q += 32) {
            long block = row + (long) b * Q4_0.BLOCK_BYTES;
            float d = fp16(data, block) * scales[s + b];
            ShortVector w = nibbles(data, block + 2);
            ShortVector even = even(w).sub((short) 8);
            ShortVector odd = odd(w).sub((short) 8);
            acc = toFloats(dot32(even, odd, qs, q)).fma(FloatVector.broadcast(F256, d), acc);
        }
        return hsum8(acc);
    }
}
