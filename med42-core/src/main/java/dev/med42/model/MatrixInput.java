package dev.med42.model;

import dev.med42.quant.Activations;
import dev.med42.quant.GGMLType;

/**
 * The input rows of one or more matrix products, converted to each weight type's vec_dot form at most once:
 * Q, K and V share one conversion, gate and up another, even when their weight types differ (Q4_K_M mixes
 * Q4_K and Q6_K, which both take Q8_K activations).
 */
final class MatrixInput {
    private final int columns;
    private final int capacity;
    private final Activations[] byType = new Activations[GGMLType.values().length];
    private final boolean[] current = new boolean[GGMLType.values().length];
    private float[] source;
    private int offset;
    private int tokens;

    MatrixInput(int columns, int capacity) {
        this.columns = columns;
        this.capacity = capacity;
    }

    /** Takes new input rows: {@code tokens} rows of {@code columns} values from {@code source[offset]}. */
    void set(float[] source, int offset, int tokens) {
        this.source = source;
        this.offset = offset;
        this.tokens = tokens;
        java.util.Arrays.fill(current, false);
    }

    /** The rows converted for weights of {@code weightType}. */
    Activations forWeights(GGMLType weightType) {
        int form = weightType.vecDotType().ordinal();
        if (byType[form] == null) {
            byType[form] = Activations.forWeights(weightType, columns, capacity);
        }
        if (!current[form]) {
            byType[form].quantize(source, offset, tokens);
            current[form] = true;
        }
        return byType[form];
    }
}
