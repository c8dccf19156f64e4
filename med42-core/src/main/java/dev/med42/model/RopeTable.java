package dev.med42.model;

/**
 * Precomputed cos/sin of llama's rotary position embedding ("normal" mode: adjacent pairs), computed the
 * way ggml's rope cache does it so that positions rotate bit for bit alike: theta starts at the position
 * and is multiplied by {@code freq_base^(-2/n_dims)} from one pair to the next, in float.
 */
final class RopeTable {
    private final int pairs;
    private final float[] cos;
    private final float[] sin;

    private final int positions;

    RopeTable(int contextLength, int ropeDimensionCount, float freqBase, float freqScale) {
        this.pairs = ropeDimensionCount / 2;
        this.positions = contextLength;
        this.cos = new float[Math.multiplyExact(contextLength, pairs)];
        this.sin = new float[cos.length];
        float thetaScale = (float) Math.pow(freqBase, -2.0f / ropeDimensionCount);
        for (int pos = 0; pos < contextLength; pos++) {
            float theta = pos;
            for (int i = 0; i < pairs; i++) {
                float scaled = freqScale * theta;
                cos[pos * pairs + i] = (float) Math.cos(scaled);
                sin[pos * pairs + i] = (float) Math.sin(scaled);
                theta *= thetaScale;
            }
        }
    }

    /** The positions the table covers. */
    int positions() {
        return positions;
    }

    /**
     * Rotates the first {@code 2 * pairs} values of each {@code headSize} head in {@code v[offset ..]} for
     * position {@code pos}; the remaining values of each head are left as they are.
     */
    void rotate(float[] v, int offset, int heads, int headSize, int pos) {
        int base = pos * pairs;
        for (int h = 0; h < heads; h++) {
            int head = offset + h * headSize;
            for (int i = 0; i < pairs; i++) {
                float c = cos[base + i];
                float s = sin[base + i];
                float x0 = v[head + 2 * i];
                float x1 = v[head + 2 * i + 1];
                v[head + 2 * i] = x0 * c - x1 * s;
                v[head + 2 * i + 1] = x0 * s + x1 * c;
            }
        }
    }
}
