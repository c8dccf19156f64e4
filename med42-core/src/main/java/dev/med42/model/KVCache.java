package dev.med42.model;

/**
 * The keys and values of every block for the positions a session has seen, {@code (block, position,
 * kvDimension)}. With {@link KVCacheType#F16} the entries are stored as half floats and, as llama.cpp does,
 * the query and the attention weights are rounded to half precision before they meet them.
 */
abstract sealed class KVCache {
    final int blocks;
    final int contextSize;
    final int kvDimension;

    private KVCache(int blocks, int contextSize, int kvDimension) {
        this.blocks = blocks;
        this.contextSize = contextSize;
        this.kvDimension = kvDimension;
    }

    static KVCache allocate(KVCacheType type, LlamaConfig config, int contextSize) {
        return switch (type) {
            case F32 -> new F32(config.blockCount(), contextSize, config.kvDimension());
            case F16 -> new F16(config.blockCount(), contextSize, config.kvDimension());
        };
    }

    abstract KVCacheType type();

    /** Stores the key and value of one position: {@code kvDimension} values from each source offset. */
    abstract void store(int block, int position, float[] key, int keyOffset, float[] value, int valueOffset);

    /**
     * Writes the attention scores {@code scale * q·k[t]} of one head for positions {@code 0 .. length-1} into
     * {@code scores}; {@code scratch} (at least {@code headSize} long, one per thread) may be overwritten.
     */
    abstract void scores(
            int block,
            int kvHead,
            int headSize,
            float[] q,
            int qOffset,
            float scale,
            float[] scores,
            int length,
            float[] scratch);

    /** Writes {@code sum over t of weights[t] * v[t]} of one head into {@code out[outOffset ..]}. */
    abstract void weightedValues(
            int block, int kvHead, int headSize, float[] weights, int length, float[] out, int outOffset);

    static final class F32 extends KVCache {
        private final float[][] keys;
        private final float[][] values;

        F32(int blocks, int contextSize, int kvDimension) {
            super(blocks, contextSize, kvDimension);
            keys = new float[blocks][contextSize * kvDimension];
            values = new float[blocks][contextSize * kvDimension];
        }

        @Override
        KVCacheType type() {
            return KVCacheType.F32;
        }

        @Override
        void store(int block, int position, float[] key, int keyOffset, float[] value, int valueOffset) {
            System.arraycopy(key, keyOffset, keys[block], position * kvDimension, kvDimension);
            System.arraycopy(value, valueOffset, values[block], position * kvDimension, kvDimension);
        }

        @Override
        void scores(
                int block,
                int kvHead,
                int headSize,
                float[] q,
                int qOffset,
                float scale,
                float[] scores,
                int length,
                float[] scratch) {
            float[] k = keys[block];
            for (int t = 0; t < length; t++) {
                int base = t * kvDimension + kvHead * headSize;
                double dot = 0;
                for (int i = 0; i < headSize; i++) {
                    dot += q[qOffset + i] * k[base + i];
                }
                scores[t] = (float) dot * scale;
            }
        }

        @Override
        void weightedValues(
                int block, int kvHead, int headSize, float[] weights, int length, float[] out, int outOffset) {
            float[] v = values[block];
            java.util.Arrays.fill(out, outOffset, outOffset + headSize, 0f);
            for (int t = 0; t < length; t++) {
                float w = weights[t];
                int base = t * kvDimension + kvHead * headSize;
                for (int i = 0; i < headSize; i++) {
                    out[outOffset + i] += w * v[base + i];
                }
            }
        }
    }

    static final class F16 extends KVCache {
        private final short[][] keys;
        private final short[][] values;

        F16(int blocks, int contextSize, int kvDimension) {
            super(blocks, contextSize, kvDimension);
            keys = new short[blocks][contextSize * kvDimension];
            values = new short[blocks][contextSize * kvDimension];
        }

        @Override
        KVCacheType type() {
            return KVCacheType.F16;
        }

        @Override
        void store(int block, int position, float[] key, int keyOffset, float[] value, int valueOffset) {
            int base = position * kvDimension;
            for (int i = 0; i < kvDimension; i++) {
                keys[block][base + i] = Float.floatToFloat16(key[keyOffset + i]);
                values[block][base + i] = Float.floatToFloat16(value[valueOffset + i]);
            }
        }

        @Override
        void scores(
                int block,
                int kvHead,
                int headSize,
                float[] q,
                int qOffset,
                float scale,
                float[] scores,
                int length,
                float[] scratch) {
            short[] k = keys[block];
            float[] qh = scratch;
            for (int i = 0; i < headSize; i++) {
                qh[i] = half(q[qOffset + i]);
            }
            for (int t = 0; t < length; t++) {
                int base = t * kvDimension + kvHead * headSize;
                float dot = 0f;
                for (int i = 0; i < headSize; i++) {
                    dot += qh[i] * Float.float16ToFloat(k[base + i]);
                }
                scores[t] = dot * scale;
            }
        }

        @Override
        void weightedValues(
                int block, int kvHead, int headSize, float[] weights, int length, float[] out, int outOffset) {
            short[] v = values[block];
            java.util.Arrays.fill(out, outOffset, outOffset + headSize, 0f);
            for (int t = 0; t < length; t++) {
                float w = half(weights[t]);
                int base = t * kvDimension + kvHead * headSize;
                for (int i = 0; i < headSize; i++) {
                    out[outOffset + i] += w * Float.float16ToFloat(v[base + i]);
                }
            }
        }

        private static float half(float x) {
            return Float.float16ToFloat(Float.floatToFloat16(x));
        }
    }
}
