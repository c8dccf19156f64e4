package dev.med42.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * One complete GGUF file, mapped and parsed: the whole model, or one shard of a model split by gguf-split.
 * Its bytes may come from raw parts ({@link MappedParts}).
 */
record GGUFShard(MappedParts bytes, GGUFReader.Header header) {
    static GGUFShard open(Path path, Arena arena) throws IOException {
        MappedParts bytes = MappedParts.map(path, arena);
        return new GGUFShard(bytes, GGUFReader.read(new GGUFCursor(bytes, GGUFReader.MAX_HEADER_BYTES)));
    }

    /** The logical file ({@code X.gguf} for raw parts {@code X.gguf-split-a}, …). */
    Path path() {
        return bytes.path();
    }

    /** The data of one of this shard's tensors: see {@link MappedParts#slice} for when it is copied. */
    MemorySegment data(GGUFTensorInfo tensor) {
        return bytes.slice(header.dataOffset() + tensor.offset(), tensor.byteSize());
    }

    /** Whether the data of a tensor lies in one part, so that {@link #data} is a zero-copy slice. */
    boolean isContiguous(GGUFTensorInfo tensor) {
        return bytes.isContiguous(header.dataOffset() + tensor.offset(), tensor.byteSize());
    }

    GGUFFormatException error(long at, String problem) {
        return new GGUFFormatException(path(), at, bytes.where(at), problem);
    }

    /** Where the metadata entry of {@code key} starts, or 0 when there is none. */
    long keyOffset(String key) {
        return header.keyOffsets().getOrDefault(key, 0L);
    }
}
