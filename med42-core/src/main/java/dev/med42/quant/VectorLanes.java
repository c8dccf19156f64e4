package dev.med42.quant;

import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The shapes and constants the vector kernels share: 256-bit species, as ggml's AVX2 kernels use (32 bytes, 16
 * shorts, 8 ints or floats). Only loaded when the Vector API is available.
 *
 * <p>How every quantized kernel forms ggml's eight int32 lanes from a chunk of 32 weights: products of 8-bit values
 * are made in 16-bit lanes. A 32-byte weight vector read as 16 shorts splits into its even and odd bytes with shifts,
 * and {@link Activations} stores each chunk's quants even positions first, so both halves meet their activations
 * without a shuffle. Two products are summed per short ({@code even * qs[0..16) + odd * qs[16..32)}), then the two
 * shorts of each int, which gives lane {@code k} the positions {@code 4k..4k+3}: the lanes of {@code
 * _mm256_maddubs_epi16} followed by {@code _mm256_madd_epi16}. Every ggml format keeps each product and each sum of
 * two within 16 bits. The shorts of an int {@code v = hi << 16 | lo} sum as {@code (v * 0x10001) >> 16} when their
 * sum also fits 16 bits, which holds for every format up to 6 bits ({@code |4 * 32 * 127| < 2^15}), and as {@code (v
 * << 16 >> 16) + (v >> 16)} for Q8_0 weights.
 *
 * <p>The kernels write this out in place rather than calling helpers: C2 stops inlining ordinary methods once a
 * compilation has created 18000 nodes ({@code NodeCountInliningCutoff}), which a few dozen vector operations reach, and
 * vectors passed to a method that is not inlined are allocated on the heap (the Vector API's own methods are exempt).
 * They loop over chunks or half blocks to keep each loop body small, and unroll the four chunks of a half block where
 * that makes shifts and scale shuffles constants. None of them allocates.
 */
final class VectorLanes {
    static final VectorSpecies<Byte> B64 = ByteVector.SPECIES_64;
    static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
    static final VectorSpecies<Short> S128 = ShortVector.SPECIES_128;
    static final VectorSpecies<Short> S256 = ShortVector.SPECIES_256;
    static final VectorSpecies<Integer> I128 = IntVector.SPECIES_128;
    static final VectorSpecies<Integer> I256 = IntVector.SPECIES_256;
    static final VectorSpecies<Long> L128 = LongVector.SPECIES_128;
    static final VectorSpecies<Float> F128 = FloatVector.SPECIES_128;
    static final VectorSpecies<Float> F256 = FloatVector.SPECIES_256;
    static final VectorSpecies<Double> D256 = DoubleVector.SPECIES_256;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /** The low 4 bits of every short. */
    static final ShortVector NIBBLE = ShortVector.broadcast(S256, (short) 0xf);

    /** Int lanes 4..7: those of the second sub-block of 16 in a chunk of 32. */
    static final VectorMask<Integer> UPPER_INTS = VectorMask.fromLong(I256, 0xf0);

    /**
     * For chunk {@code c} (0..3) of a half block whose eight sub-blocks of 16 have their scales in an int vector: the
     * scale of sub-block {@code 2c} in lanes 0..3, that of {@code 2c + 1} in lanes 4..7.
     */
    static final VectorShuffle<Integer> SCALES_0 = scalePair(0);

    static final VectorShuffle<Integer> SCALES_1 = scalePair(1);
    static final VectorShuffle<Integer> SCALES_2 = scalePair(2);
    static final VectorShuffle<Integer> SCALES_3 = scalePair(3);

    private VectorLanes() {}

    private static VectorShuffle<Integer> scalePair(int c) {
        return VectorShuffle.fromValues(I256, 2 * c, 2 * c, 2 * c, 2 * c, 2 * c + 1, 2 * c + 1, 2 * c + 1, 2 * c + 1);
    }
}
