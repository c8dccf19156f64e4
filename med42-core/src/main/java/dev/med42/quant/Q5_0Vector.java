package dev.med42.quant;

import static dev.med42.quant.Blocks.INT_LE;
import static dev.med42.quant.Blocks.fp16;
import static dev.med42.quant.VectorLanes.F256;
import static dev.med42.quant.VectorLanes.S256;
import static dev.med42.quant.VectorLanes.dot32;
import static dev.med42.quant.VectorLanes.hsum8;
import static dev.med42.quant.VectorLanes.toFloats;
import static jdk.incubator.vector.VectorOperators.NE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;

/** {@link Q5_0#dot} with the Vector API, bit for bit; also the fifth-bit unpacking Q5_1 shares. */
final class Q5_0Vector {
    private static final VectorMask<Short> UPPER_HALF = VectorMask.fromLong(S256, 0xff00L);
    private static final ShortVector EVEN_BITS = bits(0);
    private static final ShortVector ODD_BITS = bits(1);

    private Q5_0Vector() {}

    /** Lane {@code i} tests bit {@code 2i + first} of the 32-bit {@code qh}, within its half-word. */
    private static ShortVector bits(int first) {
        short[] bits = new short[16];
        for (int i = 0; i < 16; i++) {
            bits[i] = (short) (1 << ((2 * i + first) % 16));
        }
        return ShortVector.fromArray(S256, bits, 0);
    }

    /** The low half-word of {@code qh} in lanes 0..7 and the high one above, as the nibble lanes are ordered. */
    static ShortVector highBits(MemorySegment data, long offset) {
        int qh = data.get(INT_LE, offset);
        return ShortVector.broadcast(S256, (short) qh).blend((short) (qh >>> 16), UPPER_HALF);
    }

    /** 16 where the fifth bit of the weight at an even position is set. */
    static ShortVector evenFifthBits(ShortVector highBits) {
        return ShortVector.zero(S256).blend((short) 16, highBits.and(EVEN_BITS).compare(NE, 0));
    }

    /** 16 where the fifth bit of the weight at an odd position is set. */
    static ShortVector oddFifthBits(ShortVector highBits) {
        return ShortVector.zero(S256).blend((short) 16, highBits.and(ODD_BITS).compare(NE, 0));
    }

    static float dot(MemorySegment data, long row, Activations x, int token) {
        int blocks = x.columns() / 32;
        short[] qs = x.qs;
        float[] scales = x.d;
        int q = token * x.columns();
        int s = token * blocks;
        FloatVector acc = FloatVector.zero(F256);
        for (int b = 0; b < blocks; b++, q += 32) {
            long block = row + (long) b * Q5_0.BLOCK_BYTES;
            float d = fp16(data, block) * scales[s + b];
            ShortVector high = highBits(data, block + 2);
            ShortVector w = Q4_0Vector.nibbles(data, block + 6);
            ShortVector even = Q4_0Vector.even(w).or(evenFifthBits(high)).sub((short) 16);
            ShortVector odd = Q4_0Vector.odd(w).or(oddFifthBits(high)).sub((short) 16);
            acc = toFloats(dot32(even, odd, qs, q)).fma(FloatVector.broadcast(F256, d), acc);
        }
        return hsum8(acc);
    }
}
