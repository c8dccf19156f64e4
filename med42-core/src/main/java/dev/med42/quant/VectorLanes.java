package dev.med42.quant;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.S2I;

import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * What the vector kernels share: 256-bit species (ggml's AVX2 shapes: 32 bytes, 16 shorts, 8 ints or floats), the
 * int8 dot product of one chunk of 32 into ggml's eight int32 lanes, and its lane sums. Only loaded when the Vector API
 * is available.
 *
 * <p>Products of 8-bit values are formed in 16-bit lanes: a 32-byte weight vector read as 16 shorts splits into its
 * even and odd bytes with shifts, and {@link Activations} stores each chunk's quants even positions first to match. Two
 * products summed per short and two shorts summed per int give lane {@code k} the positions {@code 4k..4k+3}, the
 * lanes of {@code _mm256_maddubs_epi16} and {@code _mm256_madd_epi16}.
 */
final class VectorLanes {
    static final VectorSpecies<Byte> B64 = ByteVector.SPECIES_64;
    static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
    static final VectorSpecies<Short> S128 = ShortVector.SPECIES_128;
    static final VectorSpecies<Short> S256 = ShortVector.SPECIES_256;
    static final VectorSpecies<Integer> I128 = IntVector.SPECIES_128;
    static final VectorSpecies<Integer> I256 = IntVector.SPECIES_256;
    static final VectorSpecies<Float> F256 = FloatVector.SPECIES_256;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private VectorLanes() {}

    /** The sign-extended even bytes of {@code bytes} read as shorts. */
    static ShortVector evenBytes(ShortVector bytes) {
        return bytes.lanewise(LSHL, 8).lanewise(ASHR, 8);
    }

    /** The sign-extended odd bytes of {@code bytes} read as shorts. */
    static ShortVector oddBytes(ShortVector bytes) {
        return bytes.lanewise(ASHR, 8);
    }

    /**
     * The eight int lanes of one chunk of 32: {@code even} and {@code odd} hold the chunk's weights at even and odd
     * positions, {@code qs[offset..]} its activation quants stored the same way. Each product and each sum of two must
     * fit 16 bits, which all ggml formats guarantee (|weight| ≤ 127 against |quant| ≤ 127, or smaller).
     */
    static IntVector dot32(ShortVector even, ShortVector odd, short[] qs, int offset) {
        ShortVector products = even.mul(ShortVector.fromArray(S256, qs, offset))
                .add(odd.mul(ShortVector.fromArray(S256, qs, offset + 16)));
        IntVector pairs = products.reinterpretAsInts();
        return pairs.lanewise(LSHL, 16).lanewise(ASHR, 16).add(pairs.lanewise(ASHR, 16));
    }

    /** Sums adjacent shorts into ints: lane {@code k} is {@code shorts[2k] + shorts[2k + 1]}. */
    static IntVector pairSums(ShortVector shorts) {
        IntVector pairs = shorts.reinterpretAsInts();
        return pairs.lanewise(LSHL, 16).lanewise(ASHR, 16).add(pairs.lanewise(ASHR, 16));
    }

    static FloatVector toFloats(IntVector ints) {
        return (FloatVector) ints.convert(I2F, 0);
    }

    /** As {@link Reductions#hsum8}. */
    static float hsum8(FloatVector v) {
        return ((v.lane(0) + v.lane(4)) + (v.lane(2) + v.lane(6)))
                + ((v.lane(1) + v.lane(5)) + (v.lane(3) + v.lane(7)));
    }

    /** As {@link Reductions#haddSum8}. */
    static float haddSum8(FloatVector v) {
        return ((v.lane(0) + v.lane(4)) + (v.lane(1) + v.lane(5)))
                + ((v.lane(2) + v.lane(6)) + (v.lane(3) + v.lane(7)));
    }

    /**
     * Eight halves widened to floats exactly, as {@code _mm256_cvtph_ps}: the exponent is rebased by a multiply with
     * 2^112, which also normalizes subnormals; infinities and NaNs get the float exponent.
     */
    static FloatVector fp16ToFloats(ShortVector halves) {
        IntVector h = (IntVector) halves.convertShape(S2I, I256, 0);
        IntVector magnitude = h.and(0x7fff).lanewise(LSHL, 13);
        IntVector finite = magnitude.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
        VectorMask<Integer> infOrNaN = h.and(0x7c00).compare(EQ, 0x7c00);
        IntVector bits = finite.blend(magnitude.or(0x7f800000), infOrNaN);
        return bits.or(h.and(0x8000).lanewise(LSHL, 16)).reinterpretAsFloats();
    }

    /** Eight bf16 values widened to floats. */
    static FloatVector bf16ToFloats(ShortVector bf16) {
        return ((IntVector) bf16.convertShape(S2I, I256, 0)).lanewise(LSHL, 16).reinterpretAsFloats();
    }
}
