package dev.med42.gguf;

import dev.med42.quant.GGMLType;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An open GGUF file: its metadata, its tensor table, and its tensor data memory-mapped read-only. Nothing
 * is copied onto the heap, so files far beyond 2 GB open in milliseconds. Closing the file unmaps it; the
 * segments handed out before become unusable (a later access throws {@link IllegalStateException}).
 *
 * <p>Thread-safe: the mapping is shared, and every accessor is read-only.
 */
public final class GGUFFile implements AutoCloseable {
    private final Path path;
    private final Arena arena;
    private final MemorySegment mapped;
    private final GGUFReader.Header header;
    private final Map<String, GGUFTensorInfo> tensorsByName;

    private GGUFFile(Path path, Arena arena, MemorySegment mapped, GGUFReader.Header header) {
        this.path = path;
        this.arena = arena;
        this.mapped = mapped;
        this.header = header;
        var byName = new LinkedHashMap<String, GGUFTensorInfo>();
        header.tensors().forEach(t -> byName.put(t.name(), t));
        this.tensorsByName = byName;
    }

    /**
     * Maps and parses a GGUF file.
     *
     * @throws GGUFFormatException when the file is not a valid GGUF file, with the offset and the problem
     * @throws IOException when the file cannot be read
     */
    public static GGUFFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size == 0) {
                throw new GGUFFormatException(path, 0, "empty file: not a GGUF file");
            }
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            GGUFReader.Header header = GGUFReader.read(new GGUFCursor(mapped, path));
            return new GGUFFile(path, arena, mapped, header);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    /** The GGUF format version, 2 or 3. */
    public int version() {
        return header.version();
    }

    public GGUFMetadata metadata() {
        return header.metadata();
    }

    /** Every tensor, in file order. */
    public List<GGUFTensorInfo> tensors() {
        return header.tensors();
    }

    public Optional<GGUFTensorInfo> tensor(String name) {
        return Optional.ofNullable(tensorsByName.get(name));
    }

    /** The alignment of tensor data ({@code general.alignment}, 32 by default). */
    public int alignment() {
        return header.alignment();
    }

    /** The absolute offset of the tensor data section. */
    public long dataOffset() {
        return header.dataOffset();
    }

    /** The total size of the file in bytes. */
    public long byteSize() {
        return mapped.byteSize();
    }

    /** The mapped bytes of one tensor of this file. */
    public MemorySegment tensorData(GGUFTensorInfo tensor) {
        if (tensorsByName.get(tensor.name()) != tensor && !tensor.equals(tensorsByName.get(tensor.name()))) {
            throw new IllegalArgumentException("tensor " + tensor.name() + " is not part of " + path);
        }
        return mapped.asSlice(header.dataOffset() + tensor.offset(), tensor.byteSize());
    }

    /** The total bytes of tensor data, per ggml type. */
    public Map<GGMLType, Long> bytesByType() {
        var result = new LinkedHashMap<GGMLType, Long>();
        header.tensors().forEach(t -> result.merge(t.type(), t.byteSize(), Long::sum));
        return result;
    }

    /** Unmaps the file. Idempotent. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "GGUFFile[" + path + ", v" + version() + ", " + tensors().size() + " tensors]";
    }
}
