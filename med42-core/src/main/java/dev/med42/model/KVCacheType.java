package dev.med42.model;

/** How the key/value cache stores its entries. */
public enum KVCacheType {
    /** 4 bytes per value: exact, twice the memory (2.7 GB for Med42-70B at 4096 tokens). */
    F32(4),
    /** 2 bytes per value, llama.cpp's default (1.3 GB for Med42-70B at 4096 tokens). */
    F16(2);

    private final int bytesPerValue;

    KVCacheType(int bytesPerValue) {
        this.bytesPerValue = bytesPerValue;
    }

    /** Bytes the cache takes for a model and a context size: keys and values of every block. */
    public long bytesFor(LlamaConfig config, int contextSize) {
        return 2L * config.blockCount() * contextSize * config.kvDimension() * bytesPerValue;
    }
}
