package dev.med42.gguf;

import dev.med42.quant.GGMLType;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;

/**
 * An open GGUF model: its metadata, its tensor table, and its tensor data memory-mapped read-only. Nothing
 * is copied onto the heap, so files far beyond 2 GB open in milliseconds.
 *
 * <p>A model may be stored in several files, opened here as one:
 *
 * <ul>
 *   <li>raw parts {@code X.gguf-split-a}, {@code X.gguf-split-b}, …: the bytes of one GGUF file cut at
 *       arbitrary points. Open any part or the stem {@code X.gguf}. The data of a tensor that straddles a cut
 *       is copied once, on first use, into native memory owned by this file (never onto the heap); every
 *       other tensor is a slice of the mapping.
 *   <li>shards {@code X-00001-of-00003.gguf}, … written by llama.cpp's gguf-split: open any shard. The
 *       metadata is the first shard's; the tensors are those of all shards, in shard order.
 * </ul>
 *
 * <p>Closing the file unmaps every part and frees the copies; the segments handed out before become
 * unusable (a later access throws {@link IllegalStateException}). Thread-safe: the mappings are shared,
 * and every accessor is read-only.
 */
public final class GGUFFile implements AutoCloseable {
    private static final long PREFETCH_CHUNK = 64L << 20;

    private final Arena arena;
    private final List<GGUFShard> shards;
    private final List<GGUFTensorInfo> tensors;
    private final Map<String, GGUFTensorInfo> tensorsByName = new HashMap<>();
    private final Map<String, GGUFShard> shardOfTensor = new HashMap<>();
    private final Map<String, MemorySegment> straddlingCopies = new ConcurrentHashMap<>();

    private GGUFFile(Arena arena, List<GGUFShard> shards) {
        this.arena = arena;
        this.shards = shards;
        var all = new ArrayList<GGUFTensorInfo>();
        for (GGUFShard shard : shards) {
            for (GGUFTensorInfo t : shard.header().tensors()) {
                all.add(t);
                tensorsByName.put(t.name(), t);
                shardOfTensor.put(t.name(), shard);
            }
        }
        this.tensors = List.copyOf(all);
    }

    /**
     * Maps and parses a GGUF file: a plain file, a raw part or the stem of raw parts, or any shard of a
     * gguf-split model (see the class comment).
     *
     * @throws GGUFFormatException when the file is not a valid GGUF file, with the offset and the problem
     * @throws IOException when the file cannot be read
     */
    public static GGUFFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            GGUFShard given = GGUFShard.open(path, arena);
            return new GGUFFile(arena, GGUFSplit.shards(given, arena));
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** The logical path of the model: the first shard, or the stem {@code X.gguf} of raw parts. */
    public Path path() {
        return first().path();
    }

    /** Every file on disk that holds the model, in order: one, raw parts, or shards (each maybe in parts). */
    public List<Path> parts() {
        return shards.stream().flatMap(s -> s.bytes().parts().stream()).toList();
    }

    /** The GGUF format version, 2 or 3 (of the first shard). */
    public int version() {
        return first().header().version();
    }

    /** The model's metadata (the first shard's, for a sharded model). */
    public GGUFMetadata metadata() {
        return first().header().metadata();
    }

    /** Every tensor, in file order (shard by shard). */
    public List<GGUFTensorInfo> tensors() {
        return tensors;
    }

    public Optional<GGUFTensorInfo> tensor(String name) {
        return Optional.ofNullable(tensorsByName.get(name));
    }

    /** The alignment of tensor data ({@code general.alignment}, 32 by default) of the first shard. */
    public int alignment() {
        return first().header().alignment();
    }

    /** The absolute offset of the tensor data section (of the first shard). */
    public long dataOffset() {
        return first().header().dataOffset();
    }

    /** The total size in bytes of every file that holds the model. */
    public long byteSize() {
        return shards.stream().mapToLong(s -> s.bytes().byteSize()).sum();
    }

    /**
     * The bytes of one tensor of this file, read-only: a slice of the mapping, or for a tensor that
     * straddles two raw parts a copy made on first use and kept until {@link #close}.
     */
    public MemorySegment tensorData(GGUFTensorInfo tensor) {
        GGUFShard shard = shardOfTensor.get(tensor.name());
        if (shard == null || !tensor.equals(tensorsByName.get(tensor.name()))) {
            throw new IllegalArgumentException("tensor " + tensor.name() + " is not part of " + path());
        }
        if (shard.isContiguous(tensor)) {
            return shard.data(tensor);
        }
        return straddlingCopies.computeIfAbsent(tensor.name(), name -> shard.data(tensor));
    }

    /**
     * Reads every page of the model's files into memory now, as llama.cpp does when it maps a model ({@code
     * MAP_POPULATE}), so that the first tokens do not wait on the disk page by page. {@code progress} is told the bytes
     * done, out of {@link #byteSize()}, after every 64 MiB.
     */
    public void prefetch(LongConsumer progress) {
        long before = 0;
        for (GGUFShard shard : shards) {
            long offset = before;
            shard.bytes().load(PREFETCH_CHUNK, done -> progress.accept(offset + done));
            before += shard.bytes().byteSize();
        }
    }

    /**
     * The files of this model that are now shorter than when they were mapped: truncated, or rewritten in place, while
     * in use. Reading the lost pages of a mapping raises SIGBUS, which the JVM reports as an {@link InternalError}
     * ("a fault occurred in an unsafe memory access operation"); this says whether that was the cause, and which file.
     * A file deleted while mapped is not among them: on Linux its mapping stays whole.
     */
    public List<Path> truncatedParts() {
        return shards.stream().flatMap(s -> s.bytes().truncated().stream()).toList();
    }

    /** The total bytes of tensor data, per ggml type. */
    public Map<GGMLType, Long> bytesByType() {
        var result = new LinkedHashMap<GGMLType, Long>();
        tensors.forEach(t -> result.merge(t.type(), t.byteSize(), Long::sum));
        return result;
    }

    /** Unmaps every part and frees the copies. Idempotent. */
    @Override
    public synchronized void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    private GGUFShard first() {
        return shards.getFirst();
    }

    @Override
    public String toString() {
        return "GGUFFile[" + path() + ", v" + version() + ", " + tensors.size() + " tensors"
                + (parts().size() > 1 ? ", " + parts().size() + " parts" : "") + "]";
    }
}
