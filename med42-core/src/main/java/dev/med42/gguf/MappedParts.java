package dev.med42.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bytes of one logical file, mapped read-only. Usually that is one file on disk. A file larger than a
 * host takes (Hugging Face stores at most 50 GB per file) may instead be stored as raw parts: its bytes cut
 * at arbitrary points into {@code X.gguf-split-a}, {@code X.gguf-split-b}, … with no header of their own
 * ({@code cat} joins them back). The parts are mapped one by one and read here as one sequence, without
 * joining them on disk.
 */
final class MappedParts {
    private static final Pattern RAW_PART = Pattern.compile("(.+)-split-([a-z])");
    // Copies of ranges that straddle two parts are aligned for vector loads.
    private static final long COPY_ALIGNMENT = 64;

    private final Path path;
    private final List<Path> parts;
    private final Arena arena;
    private final MemorySegment[] segments; // the non-empty parts, in order
    private final Path[] segmentPaths;
    private final long[] starts; // starts[i]: logical offset of segments[i]; the last entry is the size

    private MappedParts(
            Path path,
            List<Path> parts,
            Arena arena,
            List<MemorySegment> segments,
            List<Path> segmentPaths,
            long[] starts) {
        this.path = path;
        this.parts = List.copyOf(parts);
        this.arena = arena;
        this.segments = segments.toArray(MemorySegment[]::new);
        this.segmentPaths = segmentPaths.toArray(Path[]::new);
        this.starts = starts;
    }

    /**
     * Maps the file at {@code path}: a plain file, one raw part ({@code X.gguf-split-b}) or the stem shared
     * by the raw parts ({@code X.gguf}, which then does not exist itself). Every part is mapped in {@code
     * arena} and unmapped when it closes.
     *
     * @throws NoSuchFileException when neither the file nor raw parts of it exist
     * @throws GGUFFormatException when a raw part is missing between others
     */
    static MappedParts map(Path path, Arena arena) throws IOException {
        Path logical = logicalPath(path);
        List<Path> parts = partsOf(logical);
        var segments = new ArrayList<MemorySegment>();
        var segmentPaths = new ArrayList<Path>();
        var starts = new ArrayList<Long>();
        long size = 0;
        for (Path part : parts) {
            try (FileChannel channel = FileChannel.open(part, StandardOpenOption.READ)) {
                long partSize = channel.size();
                if (partSize > 0) {
                    segments.add(channel.map(FileChannel.MapMode.READ_ONLY, 0, partSize, arena));
                    segmentPaths.add(part);
                    starts.add(size);
                    size += partSize;
                }
            }
        }
        starts.add(size);
        long[] startArray = starts.stream().mapToLong(Long::longValue).toArray();
        return new MappedParts(logical, parts, arena, segments, segmentPaths, startArray);
    }

    /** Whether {@code path} names a file that {@link #map} can open: a plain file or raw parts of one. */
    static boolean exists(Path path) {
        return Files.exists(path) || Files.exists(rawPart(logicalPath(path), 'a'));
    }

    /** The logical file of a raw part ({@code X.gguf} for {@code X.gguf-split-b}), else the path itself. */
    private static Path logicalPath(Path path) {
        Path name = path.getFileName();
        Matcher m = name == null ? null : RAW_PART.matcher(name.toString());
        return m != null && m.matches() ? path.resolveSibling(m.group(1)) : path;
    }

    private static Path rawPart(Path logical, char letter) {
        return logical.resolveSibling(logical.getFileName() + "-split-" + letter);
    }

    private static List<Path> partsOf(Path logical) throws IOException {
        if (Files.exists(logical)) {
            return List.of(logical);
        }
        var parts = new ArrayList<Path>();
        char letter = 'a';
        while (letter <= 'z' && Files.exists(rawPart(logical, letter))) {
            parts.add(rawPart(logical, letter++));
        }
        if (parts.isEmpty()) {
            throw new NoSuchFileException(logical.toString(), null, "neither the file nor its part -split-a exists");
        }
        for (char later = (char) (letter + 1); later <= 'z'; later++) {
            if (Files.exists(rawPart(logical, later))) {
                throw new GGUFFormatException(
                        logical,
                        0,
                        "raw part " + rawPart(logical, letter).getFileName() + " is missing but "
                                + rawPart(logical, later).getFileName() + " exists");
            }
        }
        return parts;
    }

    /** The logical file: the path opened, or the stem {@code X.gguf} of raw parts. */
    Path path() {
        return path;
    }

    /** The files on disk, in order. */
    List<Path> parts() {
        return parts;
    }

    long byteSize() {
        return starts[starts.length - 1];
    }

    /**
     * Reads every page of the mapping into memory, {@code chunk} bytes at a time, telling {@code progress} the bytes
     * done after each chunk.
     */
    void load(long chunk, LongConsumer progress) {
        long done = 0;
        for (MemorySegment segment : segments) {
            for (long offset = 0; offset < segment.byteSize(); offset += chunk) {
                long length = Math.min(chunk, segment.byteSize() - offset);
                segment.asSlice(offset, length).load();
                done += length;
                progress.accept(done);
            }
        }
    }

    /**
     * The {@code length} bytes at {@code offset}, which must lie inside the file. A range inside one part
     * is a zero-copy slice of its mapping; a range that straddles parts is copied into native memory from
     * the arena (never onto the heap), which lives until the arena closes. Read-only either way.
     */
    MemorySegment slice(long offset, long length) {
        if (length == 0) {
            return MemorySegment.NULL;
        }
        int i = segmentAt(offset);
        long within = offset - starts[i];
        if (isContiguous(offset, length)) {
            return segments[i].asSlice(within, length);
        }
        MemorySegment copy = arena.allocate(length, COPY_ALIGNMENT);
        for (long done = 0; done < length; i++, within = 0) {
            long n = Math.min(length - done, segments[i].byteSize() - within);
            MemorySegment.copy(segments[i], within, copy, done, n);
            done += n;
        }
        return copy.asReadOnly();
    }

    /** Whether the {@code length} bytes at {@code offset} lie in one part. */
    boolean isContiguous(long offset, long length) {
        if (length == 0) {
            return true;
        }
        int i = segmentAt(offset);
        return offset - starts[i] + length <= segments[i].byteSize();
    }

    /**
     * The parts that are now shorter on disk than their mapping: reading the pages they lost raises SIGBUS, which the
     * JVM reports as an {@link InternalError}. A part that was deleted is not among them (its mapping stays whole).
     */
    List<Path> truncated() {
        var truncated = new ArrayList<Path>();
        for (int i = 0; i < segments.length; i++) {
            try {
                if (Files.size(segmentPaths[i]) < segments[i].byteSize()) {
                    truncated.add(segmentPaths[i]);
                }
            } catch (IOException e) {
                // Deleted or unreadable: the mapping does not depend on the path any more.
            }
        }
        return truncated;
    }

    /** For a file in several parts, where {@code offset} lies, e.g. {@code " (byte 12 of part X-split-b)"}. */
    String where(long offset) {
        if (parts.size() < 2 || segments.length == 0) {
            return "";
        }
        int i = segmentAt(Math.min(offset, byteSize()));
        return " (byte " + (offset - starts[i]) + " of part " + segmentPaths[i].getFileName() + ")";
    }

    /** The index of the last non-empty part that starts at or before {@code offset}. */
    private int segmentAt(long offset) {
        int i = Arrays.binarySearch(starts, 0, segments.length, offset);
        return i >= 0 ? i : -i - 2;
    }
}
