package dev.med42.quant;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The kernels of each supported weight type: a row dot product against activations and a dequantizer. The Vector
 * API versions are used when {@code jdk.incubator.vector} is in the boot layer (and the hardware has 256-bit
 * vectors); otherwise, or with {@code -Dmed42.kernels=scalar}, the scalar references, which compute the same bits.
 */
public final class Kernels {
    private Kernels() {}

    /** Whether {@link #rowKernel} hands out the Vector API kernels. */
    public static boolean vectorized() {
        return VectorSupport.ENABLED;
    }

    /** The fastest available dot product for {@code weightType}. */
    public static RowKernel rowKernel(GGMLType weightType) {
        return vectorized() ? VectorKernels.rowKernel(weightType) : scalarRowKernel(weightType);
    }

    /** The scalar reference dot product for {@code weightType}. */
    static RowKernel scalarRowKernel(GGMLType weightType) {
        return switch (weightType) {
            case F32 -> Floats::dotF32;
            case F16 -> Floats::dotF16;
            case BF16 -> Floats::dotBF16;
            case Q4_0 -> Q4_0::dot;
            case Q4_1 -> Q4_1::dot;
            case Q5_0 -> Q5_0::dot;
            case Q5_1 -> Q5_1::dot;
            case Q8_0 -> Q8_0::dot;
            case Q2_K -> Q2_K::dot;
            case Q3_K -> Q3_K::dot;
            case Q4_K -> Q4_K::dot;
            case Q5_K -> Q5_K::dot;
            case Q6_K -> Q6_K::dot;
            default -> throw new UnsupportedOperationException("no kernels for " + weightType);
        };
    }

    /**
     * Dequantizes {@code count} weights of {@code type} starting at {@code offset} (a block boundary) into {@code
     * out[outOffset..]}, bit for bit as ggml's {@code to_float}.
     *
     * @throws IllegalArgumentException when {@code count} is not a whole number of blocks
     */
    public static void dequantize(
            GGMLType type, MemorySegment data, long offset, float[] out, int outOffset, int count) {
        if (count % type.blockSize() != 0) {
            throw new IllegalArgumentException(count + " is not a whole number of " + type + " blocks");
        }
        Objects.checkFromIndexSize(outOffset, count, out.length);
        switch (type) {
            case F32 -> Floats.dequantizeF32(data, offset, out, outOffset, count);
            case F16 -> Floats.dequantizeF16(data, offset, out, outOffset, count);
            case BF16 -> Floats.dequantizeBF16(data, offset, out, outOffset, count);
            case Q4_0 -> Q4_0.dequantize(data, offset, out, outOffset, count);
            case Q4_1 -> Q4_1.dequantize(data, offset, out, outOffset, count);
            case Q5_0 -> Q5_0.dequantize(data, offset, out, outOffset, count);
            case Q5_1 -> Q5_1.dequantize(data, offset, out, outOffset, count);
            case Q8_0 -> Q8_0.dequantize(data, offset, out, outOffset, count);
            case Q2_K -> Q2_K.dequantize(data, offset, out, outOffset, count);
            case Q3_K -> Q3_K.dequantize(data, offset, out, outOffset, count);
            case Q4_K -> Q4_K.dequantize(data, offset, out, outOffset, count);
            case Q5_K -> Q5_K.dequantize(data, offset, out, outOffset, count);
            case Q6_K -> Q6_K.dequantize(data, offset, out, outOffset, count);
            default -> throw new UnsupportedOperationException("no kernels for " + type);
        }
    }
}
