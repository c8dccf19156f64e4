package dev.med42.quant;

import java.util.Optional;

/**
 * The ggml tensor types, with the facts every other part of the runtime reads: the id stored in GGUF
 * files, how many weights one block holds and how many bytes it takes. Ids and sizes follow ggml.h and
 * ggml.c; types that ggml removed (ids 4, 5, 31–33, 36–38) are absent.
 *
 * <p>A type being listed here means a GGUF file naming it can be read and described; {@link
 * #isSupported()} says whether this runtime can also compute with it.
 */
public enum GGMLType {
    F32(0, 1, 4, true),
    F16(1, 1, 2, true),
    Q4_0(2, 32, 18, true),
    Q4_1(3, 32, 20, true),
    Q5_0(6, 32, 22, true),
    Q5_1(7, 32, 24, true),
    Q8_0(8, 32, 34, true),
    Q8_1(9, 32, 36, false),
    Q2_K(10, 256, 84, true),
    Q3_K(11, 256, 110, true),
    Q4_K(12, 256, 144, true),
    Q5_K(13, 256, 176, true),
    Q6_K(14, 256, 210, true),
    Q8_K(15, 256, 292, false),
    IQ2_XXS(16, 256, 66, false),
    IQ2_XS(17, 256, 74, false),
    IQ3_XXS(18, 256, 98, false),
    IQ1_S(19, 256, 50, false),
    IQ4_NL(20, 32, 18, false),
    IQ3_S(21, 256, 110, false),
    IQ2_S(22, 256, 82, false),
    IQ4_XS(23, 256, 136, false),
    I8(24, 1, 1, false),
    I16(25, 1, 2, false),
    I32(26, 1, 4, false),
    I64(27, 1, 8, false),
    F64(28, 1, 8, false),
    IQ1_M(29, 256, 56, false),
    BF16(30, 1, 2, true),
    TQ1_0(34, 256, 54, false),
    TQ2_0(35, 256, 66, false);

    private static final GGMLType[] BY_ID = new GGMLType[40];

    static {
        for (GGMLType type : values()) {
            BY_ID[type.id] = type;
        }
    }

    private final int id;
    private final int blockSize;
    private final int bytesPerBlock;
    private final boolean supported;

    GGMLType(int id, int blockSize, int bytesPerBlock, boolean supported) {
        this.id = id;
        this.blockSize = blockSize;
        this.bytesPerBlock = bytesPerBlock;
        this.supported = supported;
    }

    /** The type with this GGUF id, or empty for an id ggml does not define. */
    public static Optional<GGMLType> fromId(long id) {
        return id >= 0 && id < BY_ID.length ? Optional.ofNullable(BY_ID[(int) id]) : Optional.empty();
    }

    public int id() {
        return id;
    }

    /** Weights per block: 1 for plain floats, 32 for the legacy quantizations, 256 for the K-quants. */
    public int blockSize() {
        return blockSize;
    }

    public int bytesPerBlock() {
        return bytesPerBlock;
    }

    /** Whether this runtime has kernels for the type (can load and run a model using it). */
    public boolean isSupported() {
        return supported;
    }

    public boolean isQuantized() {
        return blockSize > 1;
    }

    /**
     * The type llama.cpp converts activations to before a matrix product with weights of this type, on x86 (ggml's
     * {@code type_traits_cpu[type].vec_dot_type}): the weights are then dotted against it with integer arithmetic for
     * the quantized types. Q8_0 for Q4_0, Q5_0 and Q8_0; Q8_1 for Q4_1 and Q5_1; Q8_K for the K-quants; the type
     * itself for F32, F16 and BF16.
     *
     * @throws UnsupportedOperationException for a type this runtime has no kernels for
     */
    public GGMLType vecDotType() {
        return switch (this) {
            case F32, F16, BF16 -> this;
            case Q4_0, Q5_0, Q8_0 -> Q8_0;
            case Q4_1, Q5_1 -> Q8_1;
            case Q2_K, Q3_K, Q4_K, Q5_K, Q6_K -> Q8_K;
            default -> throw new UnsupportedOperationException("no matrix product for " + this + " weights");
        };
    }

    /** Bits per weight, e.g. 4.5 for Q4_0 and 6.5625 for Q6_K. */
    public double bitsPerWeight() {
        return bytesPerBlock * 8.0 / blockSize;
    }

    /**
     * Bytes taken by {@code elements} weights, which must be a whole number of blocks.
     *
     * @throws IllegalArgumentException when {@code elements} is negative or not a multiple of the block size
     */
    public long byteSize(long elements) {
        if (elements < 0 || elements % blockSize != 0) {
            throw new IllegalArgumentException(
                    elements + " elements are not a whole number of " + name() + " blocks of " + blockSize);
        }
        return Math.multiplyExact(elements / blockSize, (long) bytesPerBlock);
    }
}
