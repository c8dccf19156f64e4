package dev.med42.quant;

import java.lang.foreign.MemorySegment;

/** The dot product of one weight row with one token's activations: the unit of every matrix product. */
@FunctionalInterface
public interface RowKernel {
    /**
     * @param weights the weight matrix data
     * @param rowOffset where the row starts in {@code weights}; the row is {@code x.columns()} weights long
     * @param x activations of the weights' vec_dot type
     * @param token which of {@code x}'s rows
     */
    float dot(MemorySegment weights, long rowOffset, Activations x, int token);
}
