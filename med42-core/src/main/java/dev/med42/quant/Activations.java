package dev.med42.quant;

import java.util.Arrays;
import java.util.Objects;

/**
 * The input rows of a matrix product (one per token), converted the way llama.cpp converts them on x86 before it
 * multiplies: to the weights' {@link GGMLType#vecDotType() vec_dot type}. For the quantized weight types that is
 * int8 quants with a scale per block (Q8_0 or Q8_1 per 32 values, Q8_K per 256), for F16 and BF16 weights the values
 * rounded to that type, for F32 the values as they are.
 *
 * <p>Convert an input once and pass it to every matrix of the same vec_dot type that reads it (Q, K and V; gate and
 * up). An instance is allocated for a row length and a largest token count and then reused: {@link #quantize}
 * overwrites it. Not thread-safe while quantizing; read concurrently by the matrix product.
 *
 * <p>Bit for bit as ggml: Q8_0 and Q8_1 as its AVX2 {@code quantize_row_q8_0}/{@code _q8_1} (scale {@code amax/127}
 * stored as fp16, multiplier {@code 127/amax}, round half to even), which differ from the {@code _ref} versions in
 * both; Q8_K as {@code quantize_row_q8_K_ref}, which x86 uses (scale {@code -127/max} of the signed extreme, kept as
 * float, with sums of every 16 quants); F16 and BF16 with round to nearest even. NaN and infinite inputs are not
 * reproduced.
 */
public final class Activations {
    /** The quants of each 32-value chunk are stored even positions first, then odd ones; see {@link #qsIndex}. */
    static final int CHUNK = 32;

    private final GGMLType type;
    private final int columns;
    private final int capacity;
    private final int blocks;
    private int tokens;

    // Q8_0, Q8_1, Q8_K: [token][column] quants widened to int16, [token][block] scales
    final short[] qs;
    final float[] d;
    // Q8_1: fp16(d * sum of the block's quants), ggml's block_q8_1.s
    final float[] s;
    // Q8_K: [token][column / 16] sums of 16 quants, ggml's block_q8_K.bsums
    final short[] bsums;
    // F32, F16, BF16: [token][column]
    final float[] values;
    // Q8_0, Q8_K, filled for two tokens or more: the quants as floats in lane order (see TileKernels)
    final float[] lanes;
    // Q8_K, with lanes: [token][block][16] the sums of the eight sub-blocks of 32 (see Q4_KTile)
    final int[] subSums;

    private Activations(GGMLType type, int columns, int capacity) {
        this.type = type;
        this.columns = columns;
        this.capacity = capacity;
        this.blocks = columns / type.blockSize();
        int elements = Math.multiplyExact(columns, capacity);
        boolean quantized = type.isQuantized();
        this.qs = quantized ? new short[elements] : null;
        this.d = quantized ? new float[blocks * capacity] : null;
        this.s = type == GGMLType.Q8_1 ? new float[blocks * capacity] : null;
        this.bsums = type == GGMLType.Q8_K ? new short[elements / 16] : null;
        this.values = quantized ? null : new float[elements];
        boolean tiled = TileKernels.supports(type) && capacity > 1;
        this.lanes = tiled ? new float[elements] : null;
        this.subSums = tiled && type == GGMLType.Q8_K ? new int[blocks * capacity * 16] : null;
    }

    /**
     * Room for up to {@code maxTokens} rows of {@code columns} values, in the form weights of {@code weightType} are
     * dotted against.
     *
     * @throws IllegalArgumentException when {@code columns} is not a whole number of blocks of that form
     * @throws UnsupportedOperationException when there are no kernels for {@code weightType}
     */
    public static Activations forWeights(GGMLType weightType, int columns, int maxTokens) {
        GGMLType type = weightType.vecDotType();
        if (columns <= 0 || columns % type.blockSize() != 0) {
            throw new IllegalArgumentException(
                    "rows of " + columns + " values are not a whole number of " + type + " blocks");
        }
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("maxTokens must be positive: " + maxTokens);
        }
        return new Activations(type, columns, maxTokens);
    }

    /** The vec_dot type the values are held in: F32, F16, BF16, Q8_0, Q8_1 or Q8_K. */
    public GGMLType type() {
        return type;
    }

    public int columns() {
        return columns;
    }

    /** The most tokens this instance holds. */
    public int capacity() {
        return capacity;
    }

    /** The tokens converted by the last {@link #quantize}. */
    public int tokens() {
        return tokens;
    }

    /** Converts {@code tokens} rows of {@link #columns()} values from the start of {@code input}. */
    public void quantize(float[] input, int tokens) {
        quantize(input, 0, tokens);
    }

    /** Converts {@code tokens} rows of {@link #columns()} values starting at {@code input[offset]}. */
    public void quantize(float[] input, int offset, int tokens) {
        Objects.checkFromIndexSize(offset, Math.multiplyExact(tokens, columns), input.length);
        if (tokens < 1 || tokens > capacity) {
            throw new IllegalArgumentException("tokens must be in 1.." + capacity + ": " + tokens);
        }
        for (int t = 0; t < tokens; t++) {
            int from = offset + t * columns;
            switch (type) {
                case Q8_0, Q8_1 -> quantizeQ8(input, from, t);
                case Q8_K -> quantizeQ8K(input, from, t);
                case F16 -> {
                    for (int i = 0; i < columns; i++) {
                        values[t * columns + i] = FP16.round(input[from + i]);
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < columns; i++) {
                        values[t * columns + i] = BF16.round(input[from + i]);
                    }
                }
                case F32 -> System.arraycopy(input, from, values, t * columns, columns);
                default -> throw new AssertionError(type);
            }
            if (lanes != null && tokens > 1) {
                fillLanes(t);
            }
        }
        this.tokens = tokens;
    }

    /**
     * The tile kernels' copy of a token's quants: in each chunk of 32, float {@code 8i + l} is quant {@code 4l + i},
     * so that vector {@code i} of a chunk gives lane {@code l} the positions ggml's lane {@code l} sums.
     */
    private void fillLanes(int t) {
        int base = t * columns;
        for (int c = 0; c < columns; c += CHUNK) {
            for (int i = 0; i < 4; i++) {
                for (int l = 0; l < 8; l++) {
                    lanes[base + c + 8 * i + l] = qs[base + c + qsIndex(4 * l + i)];
                }
            }
        }
        if (subSums != null) {
            // per block: the sums of sub-blocks 0, 2, 4, 6 twice, then of 1, 3, 5, 7 twice
            for (int b = 0; b < blocks; b++) {
                int at = (t * blocks + b) * 16;
                int g = (t * blocks + b) * 16;
                for (int m = 0; m < 4; m++) {
                    int even = bsums[g + 4 * m] + bsums[g + 4 * m + 1];
                    int odd = bsums[g + 4 * m + 2] + bsums[g + 4 * m + 3];
                    subSums[at + m] = even;
                    subSums[at + 4 + m] = even;
                    subSums[at + 8 + m] = odd;
                    subSums[at + 12 + m] = odd;
                }
            }
        }
    }

    /** ggml's AVX2 {@code quantize_row_q8_0} and {@code quantize_row_q8_1}. */
    private void quantizeQ8(float[] x, int from, int t) {
        for (int b = 0; b < blocks; b++) {
            int xo = from + b * CHUNK;
            float amax = 0;
            for (int j = 0; j < CHUNK; j++) {
                amax = Math.max(amax, Math.abs(x[xo + j]));
            }
            float scale = amax / 127f;
            float multiplier = amax != 0 ? 127f / amax : 0;
            int qo = t * columns + b * CHUNK;
            int sum = 0;
            for (int j = 0; j < CHUNK; j++) {
                // _mm256_round_ps(_MM_ROUND_NEAREST), then the saturating packs
                int q = Math.clamp((long) Math.rint(x[xo + j] * multiplier), -128, 127);
                qs[qo + qsIndex(j)] = (short) q;
                sum += q;
            }
            d[t * blocks + b] = FP16.round(scale);
            if (s != null) {
                s[t * blocks + b] = FP16.round(scale * sum);
            }
        }
    }

    /** ggml's {@code quantize_row_q8_K_ref}, which is what x86 runs. */
    private void quantizeQ8K(float[] x, int from, int t) {
        for (int b = 0; b < blocks; b++) {
            int xo = from + b * 256;
            int qo = t * columns + b * 256;
            float max = 0;
            float amax = 0;
            for (int j = 0; j < 256; j++) {
                float ax = Math.abs(x[xo + j]);
                if (ax > amax) {
                    amax = ax;
                    max = x[xo + j];
                }
            }
            if (amax == 0) {
                d[t * blocks + b] = 0;
                Arrays.fill(qs, qo, qo + 256, (short) 0);
                Arrays.fill(bsums, qo / 16, qo / 16 + 16, (short) 0);
                continue;
            }
            float iscale = -127f / max;
            for (int j = 0; j < 256; j++) {
                qs[qo + qsIndex(j)] = (short) Math.min(127, nearestInt(iscale * x[xo + j]));
            }
            for (int g = 0; g < 16; g++) {
                int sum = 0;
                for (int j = 16 * g; j < 16 * g + 16; j++) {
                    sum += qs[qo + qsIndex(j)];
                }
                bsums[qo / 16 + g] = (short) sum;
            }
            d[t * blocks + b] = 1 / iscale;
        }
    }

    /** ggml's {@code nearest_int}: round half to even by adding 1.5 * 2^23. */
    private static int nearestInt(float value) {
        return (Float.floatToRawIntBits(value + 12582912f) & 0x007fffff) - 0x00400000;
    }

    /**
     * Where quant {@code i} of a row is stored. Within each chunk of 32 the even positions come first, then the odd
     * ones: a 32-byte weight vector read as 16 shorts splits into its even and odd bytes with one shift each, and
     * these then meet their activations without any shuffle.
     */
    static int qsIndex(int i) {
        return (i & ~(CHUNK - 1)) | ((i & 1) << 4) | ((i & (CHUNK - 1)) >>> 1);
    }

    /** Quant {@code i} of {@code token}'s row. */
    int q(int token, int i) {
        return qs[token * columns + qsIndex(i)];
    }

    /** The scale of {@code block} in {@code token}'s row. */
    float d(int token, int block) {
        return d[token * blocks + block];
    }

    /** Q8_1: the block's {@code s}. */
    float s(int token, int block) {
        return s[token * blocks + block];
    }

    /** Q8_K: the sum of quants {@code 16 * group} to {@code 16 * group + 15}. */
    int bsum(int token, int group) {
        return bsums[token * (columns / 16) + group];
    }

    /** F32, F16, BF16: value {@code i} of {@code token}'s row. */
    float value(int token, int i) {
        return values[token * columns + i];
    }

    /** The value the kernels effectively multiply by at {@code i}: the quant times its scale, or the rounded value. */
    float dequantized(int token, int i) {
        return type.isQuantized() ? q(token, i) * d(token, i / type.blockSize()) : value(token, i);
    }
}
