package dev.med42.quant;

import static dev.med42.quant.VectorLanes.B256;
import static dev.med42.quant.VectorLanes.I256;
import static dev.med42.quant.VectorLanes.LE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShuffle;

/** What the K-quant vector kernels share: 32-byte loads and the scales of sub-blocks of 16. */
final class KVectors {
    private KVectors() {}

    /**
     * For chunk {@code c} (0..3) of 32 weights whose sub-blocks of 16 have their scales in lanes {@code 2c} and
     * {@code 2c + 1} of an int vector: that first scale in lanes 0..3 (positions 0..15), the second in lanes 4..7.
     */
    static final VectorShuffle<Integer> PAIR_0 = pair(0);

    static final VectorShuffle<Integer> PAIR_1 = pair(1);
    static final VectorShuffle<Integer> PAIR_2 = pair(2);
    static final VectorShuffle<Integer> PAIR_3 = pair(3);

    private static VectorShuffle<Integer> pair(int c) {
        return VectorShuffle.fromValues(I256, 2 * c, 2 * c, 2 * c, 2 * c, 2 * c + 1, 2 * c + 1, 2 * c + 1, 2 * c + 1);
    }

    /** 32 bytes read as 16 shorts. */
    static ShortVector load(MemorySegment data, long offset) {
        return ByteVector.fromMemorySegment(B256, data, offset, LE).reinterpretAsShorts();
    }

    /** Lanes 0..3 times {@code scales[2c]}, lanes 4..7 times {@code scales[2c + 1]}. */
    static IntVector scale(IntVector lanes, IntVector scales, VectorShuffle<Integer> pair) {
        return lanes.mul(scales.rearrange(pair));
    }
}
