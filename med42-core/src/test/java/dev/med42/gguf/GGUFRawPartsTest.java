package dev.med42.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.med42.testing.TestData;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Raw parts: the bytes of one GGUF file cut at arbitrary points into {@code X.gguf-split-a}, {@code -b}, …
 * Each cut model must read exactly like the uncut file, whichever name it is opened by.
 */
class GGUFRawPartsTest {
    private static final Path STORIES = TestData.file("stories260K.gguf");
    private static final Path TINY = TestData.file("synthetic/tiny-Q8_0.gguf");

    @TempDir
    Path dir;

    /** Cut points inside the header, the metadata, the tensor table, a tensor, and on tensor boundaries. */
    static Stream<Arguments> cuts() throws IOException {
        var cases = new ArrayList<Arguments>();
        for (Path path : List.of(STORIES, TINY)) {
            try (Arena arena = Arena.ofConfined()) {
                GGUFReader.Header h = GGUFShard.open(path, arena).header();
                long tokens = h.keyOffsets().get("tokenizer.ggml.tokens");
                GGUFTensorInfo second = h.tensors().get(1);
                GGUFTensorInfo biggest = h.tensors().stream()
                        .max((a, b) -> Long.compare(a.byteSize(), b.byteSize()))
                        .orElseThrow();
                long inBiggest = h.dataOffset() + biggest.offset() + biggest.byteSize() / 2 + 3;
                long size = Files.size(path);
                cases.add(Arguments.of(path, "inside the magic", new long[] {2}));
                cases.add(Arguments.of(path, "inside the tensor count", new long[] {11}));
                cases.add(Arguments.of(
                        path, "inside a key", new long[] {h.keyOffsets().get("general.architecture") + 10}));
                cases.add(Arguments.of(path, "inside the token strings", new long[] {tokens + 1001}));
                cases.add(Arguments.of(path, "inside the tensor table", new long[] {
                    h.tensorInfoOffsets().get(second.name()) + 5
                }));
                cases.add(Arguments.of(path, "at the data section", new long[] {h.dataOffset()}));
                cases.add(Arguments.of(path, "inside a tensor", new long[] {inBiggest}));
                cases.add(Arguments.of(path, "on a tensor boundary", new long[] {h.dataOffset() + second.offset()}));
                cases.add(Arguments.of(path, "one byte before the end", new long[] {size - 1}));
                cases.add(Arguments.of(path, "three parts", new long[] {tokens + 7, inBiggest}));
                cases.add(Arguments.of(path, "an empty part", new long[] {inBiggest, inBiggest}));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{1} of {0}")
    @MethodSource("cuts")
    void cut_file_reads_like_the_whole_file(Path whole, String where, long[] cuts) throws IOException {
        Path stem = dir.resolve(whole.getFileName());
        List<Path> parts = cut(whole, stem, cuts);
        try (GGUFFile expected = GGUFFile.open(whole)) {
            for (Path name : Stream.concat(Stream.of(stem), parts.stream()).toList()) {
                try (GGUFFile file = GGUFFile.open(name)) {
                    assertThat(file.path()).isEqualTo(stem);
                    assertThat(file.parts()).isEqualTo(parts);
                    assertThat(file.byteSize()).isEqualTo(Files.size(whole));
                    assertSameModel(file, expected);
                }
            }
        }
    }

    @Test
    void a_tensor_across_the_cut_is_copied_once_into_native_memory() throws IOException {
        Path stem = dir.resolve("model.gguf");
        GGUFTensorInfo straddling;
        long cut;
        try (GGUFFile whole = GGUFFile.open(STORIES)) {
            straddling = whole.tensor("blk.1.ffn_up.weight").orElseThrow();
            cut = whole.dataOffset() + straddling.offset() + 100;
        }
        cut(STORIES, stem, new long[] {cut});
        try (GGUFFile file = GGUFFile.open(stem)) {
            MemorySegment copy = file.tensorData(straddling);
            assertThat(copy.isNative()).isTrue();
            assertThat(copy.isMapped()).isFalse();
            assertThat(copy.isReadOnly()).isTrue();
            assertThat(copy.address() % 64).isZero();
            assertThat(file.tensorData(straddling)).isSameAs(copy);

            MemorySegment before =
                    file.tensorData(file.tensor("blk.1.ffn_gate.weight").orElseThrow());
            assertThat(before.isMapped()).isTrue();
        }
    }

    @Test
    void closing_releases_the_mappings_and_the_copies() throws IOException {
        Path stem = dir.resolve("model.gguf");
        GGUFTensorInfo straddling;
        long cut;
        try (GGUFFile whole = GGUFFile.open(STORIES)) {
            straddling = whole.tensor("output.weight").orElseThrow();
            cut = whole.dataOffset() + straddling.offset() + 4;
        }
        cut(STORIES, stem, new long[] {cut});
        GGUFFile file = GGUFFile.open(stem);
        MemorySegment copy = file.tensorData(straddling);
        MemorySegment mapped = file.tensorData(file.tensors().getFirst());
        file.close();
        assertThatThrownBy(() -> copy.get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> mapped.get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void prefetch_reads_every_part_and_counts_up_to_the_whole_size() throws IOException {
        Path stem = dir.resolve("model.gguf");
        cut(STORIES, stem, new long[] {1000, 2000});
        try (GGUFFile file = GGUFFile.open(stem)) {
            var counts = new ArrayList<Long>();
            file.prefetch(counts::add);
            assertThat(counts).isSorted().hasSize(3).last().isEqualTo(file.byteSize());
            assertThat(file.byteSize()).isEqualTo(Files.size(STORIES));
        }
    }

    @Test
    void a_missing_middle_part_is_named() throws IOException {
        Path stem = dir.resolve("model.gguf");
        List<Path> parts = cut(STORIES, stem, new long[] {1000, 2000});
        Files.delete(parts.get(1));
        assertThatThrownBy(() -> GGUFFile.open(parts.getFirst()))
                .isInstanceOf(GGUFFormatException.class)
                .hasMessageContaining("model.gguf-split-b is missing but model.gguf-split-c exists");
    }

    @Test
    void a_missing_first_part_is_no_such_file() throws IOException {
        Path stem = dir.resolve("model.gguf");
        List<Path> parts = cut(STORIES, stem, new long[] {1000});
        Files.delete(parts.getFirst());
        assertThatThrownBy(() -> GGUFFile.open(parts.get(1))).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> GGUFFile.open(stem)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void a_missing_last_part_reads_as_a_truncated_file_named_by_part() throws IOException {
        Path stem = dir.resolve("model.gguf");
        long cut = Files.size(STORIES) - 5000;
        List<Path> parts = cut(STORIES, stem, new long[] {100, cut});
        Files.delete(parts.get(2));
        assertThatThrownBy(() -> GGUFFile.open(stem))
                .isInstanceOf(GGUFFormatException.class)
                .hasMessageContaining("truncated file")
                .hasMessageContaining("of part model.gguf-split-b");
    }

    @Test
    void a_format_error_names_the_logical_file_the_offset_and_the_part() throws IOException {
        byte[] bytes = Files.readAllBytes(STORIES);
        long at;
        try (Arena arena = Arena.ofConfined()) {
            at = GGUFShard.open(STORIES, arena).header().keyOffsets().get("llama.context_length");
        }
        long typeAt = at + 8 + "llama.context_length".length();
        bytes[(int) typeAt] = 99;
        Path broken = dir.resolve("broken.gguf");
        Files.write(broken, bytes);
        List<Path> parts = cut(broken, dir.resolve("cut.gguf"), new long[] {typeAt - 10});
        assertThatThrownBy(() -> GGUFFile.open(parts.get(1)))
                .isInstanceOf(GGUFFormatException.class)
                .hasMessage(dir.resolve("cut.gguf") + ": at byte " + typeAt + " (byte 10 of part cut.gguf-split-b): "
                        + "unknown value type 99 (type of llama.context_length)")
                .satisfies(e -> assertThat(((GGUFFormatException) e).offset()).isEqualTo(typeAt));
    }

    /** Cuts {@code whole} at {@code cuts} into {@code stem-split-a}, {@code -b}, …, and returns the parts. */
    static List<Path> cut(Path whole, Path stem, long[] cuts) throws IOException {
        byte[] bytes = Files.readAllBytes(whole);
        long[] bounds = LongStream.concat(
                        LongStream.concat(LongStream.of(0), Arrays.stream(cuts)), LongStream.of(bytes.length))
                .toArray();
        var parts = new ArrayList<Path>();
        for (int i = 0; i + 1 < bounds.length; i++) {
            Path part = stem.resolveSibling(stem.getFileName() + "-split-" + (char) ('a' + i));
            Files.write(part, Arrays.copyOfRange(bytes, (int) bounds[i], (int) bounds[i + 1]));
            parts.add(part);
        }
        return parts;
    }

    /** Same version, metadata and tensor table, and every tensor's bytes equal. */
    static void assertSameModel(GGUFFile actual, GGUFFile expected) {
        assertThat(actual.version()).isEqualTo(expected.version());
        assertThat(actual.alignment()).isEqualTo(expected.alignment());
        assertThat(actual.metadata().asMap())
                .containsExactlyEntriesOf(expected.metadata().asMap());
        assertThat(actual.tensors()).containsExactlyElementsOf(expected.tensors());
        assertThat(actual.bytesByType()).isEqualTo(expected.bytesByType());
        for (GGUFTensorInfo t : expected.tensors()) {
            MemorySegment a = actual.tensorData(actual.tensor(t.name()).orElseThrow());
            assertThat(a.mismatch(expected.tensorData(t))).as(t.name()).isEqualTo(-1);
        }
    }
}
