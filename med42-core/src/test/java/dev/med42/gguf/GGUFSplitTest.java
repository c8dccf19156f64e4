package dev.med42.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.med42.quant.GGMLType;
import dev.med42.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models sharded the way llama.cpp's gguf-split writes them: {@code X-00001-of-00003.gguf}, … */
class GGUFSplitTest {
    private static final BiConsumer<Integer, GGUFWriter> AS_IS = (i, w) -> {};

    @TempDir
    Path dir;

    private GGUFFile whole;

    @BeforeEach
    void openWhole() throws IOException {
        whole = GGUFFile.open(TestData.file("synthetic/tiny-Q8_0.gguf"));
    }

    @AfterEach
    void closeWhole() {
        whole.close();
    }

    /**
     * Writes {@code whole} as shards the way gguf-split does: shard {@code i} holds the tensors from {@code
     * starts[i]} on; the first also holds the metadata; every shard gets split.no, split.count and
     * split.tensors.count. {@code tweak} may change a shard's writer before it is written.
     */
    private List<Path> shard(String prefix, BiConsumer<Integer, GGUFWriter> tweak, int... starts) throws IOException {
        List<GGUFTensorInfo> tensors = whole.tensors();
        var paths = new ArrayList<Path>();
        for (int i = 0; i < starts.length; i++) {
            var writer = new GGUFWriter();
            if (i == 0) {
                writer.putAll(whole.metadata());
            }
            writer.put(GGUFSplit.NO, new GGUFValue(GGUFValueType.UINT16, (long) i))
                    .put(GGUFSplit.COUNT, new GGUFValue(GGUFValueType.UINT16, (long) starts.length))
                    .putInt32(GGUFSplit.TENSORS_COUNT, tensors.size());
            int end = i + 1 < starts.length ? starts[i + 1] : tensors.size();
            for (GGUFTensorInfo t : tensors.subList(starts[i], end)) {
                writer.addTensor(t.name(), t.type(), t.shape(), data -> data.copyFrom(whole.tensorData(t)));
            }
            tweak.accept(i, writer);
            Path path = dir.resolve(String.format("%s-%05d-of-%05d.gguf", prefix, i + 1, starts.length));
            writer.write(path);
            paths.add(path);
        }
        return paths;
    }

    @Test
    void any_shard_opens_the_whole_model() throws IOException {
        List<Path> shards = shard("med42", AS_IS, 0, 10, 25);
        for (Path given : shards) {
            try (GGUFFile file = GGUFFile.open(given)) {
                assertThat(file.path()).isEqualTo(shards.getFirst());
                assertThat(file.parts()).isEqualTo(shards);
                assertThat(file.byteSize())
                        .isEqualTo(Files.size(shards.get(0)) + Files.size(shards.get(1)) + Files.size(shards.get(2)));
                assertThat(file.tensors()).hasSize(whole.tensors().size());
                assertThat(file.metadata().getInteger(GGUFSplit.COUNT)).hasValue(3);
                assertSameTensors(file);
                assertThat(file.metadata().asMap())
                        .containsAllEntriesOf(whole.metadata().asMap());
                assertThat(file.metadata().size()).isEqualTo(whole.metadata().size() + 3);
            }
        }
    }

    @Test
    void a_first_shard_without_tensors_is_allowed() throws IOException {
        // gguf-split --no-tensor-first-split puts only the metadata in the first shard.
        List<Path> shards = shard("med42", AS_IS, 0, 0, 20);
        try (GGUFFile file = GGUFFile.open(shards.getLast())) {
            assertSameTensors(file);
        }
    }

    @Test
    void a_shard_may_itself_be_stored_as_raw_parts() throws IOException {
        List<Path> shards = shard("med42", AS_IS, 0, 10, 25);
        Path second = shards.get(1);
        List<Path> parts = GGUFRawPartsTest.cut(second, second, new long[] {Files.size(second) / 2 + 1});
        Files.delete(second);
        try (GGUFFile file = GGUFFile.open(parts.getLast())) {
            assertThat(file.parts()).containsExactly(shards.get(0), parts.get(0), parts.get(1), shards.get(2));
            assertSameTensors(file);
        }
    }

    @Test
    void split_count_of_one_is_an_ordinary_file() throws IOException {
        List<Path> shards = shard("single", AS_IS, 0);
        try (GGUFFile file = GGUFFile.open(shards.getFirst())) {
            assertThat(file.parts()).containsExactly(shards.getFirst());
            assertSameTensors(file);
        }
    }

    @Test
    void rejects_a_missing_shard() throws IOException {
        List<Path> shards = shard("med42", AS_IS, 0, 10, 25);
        Files.delete(shards.get(1));
        assertThatThrownBy(() -> GGUFFile.open(shards.get(2)))
                .isInstanceOf(GGUFFormatException.class)
                .hasMessageStartingWith(shards.get(1) + ": at byte 0: missing shard 2 of 3");
    }

    @Test
    void rejects_a_shard_with_another_split_count() throws IOException {
        List<Path> shards = shard(
                "med42",
                (i, w) -> {
                    if (i == 2) {
                        w.put(GGUFSplit.COUNT, new GGUFValue(GGUFValueType.UINT16, 4L));
                    }
                },
                0,
                10,
                25);
        assertThatThrownBy(() -> GGUFFile.open(shards.getFirst()))
                .isInstanceOf(GGUFFormatException.class)
                .hasMessageStartingWith(shards.get(2) + ": at byte ")
                .hasMessageContaining("split.count = 4, but the model has 3 shards");
    }

    @Test
    void rejects_a_shard_in_the_wrong_place() throws IOException {
        List<Path> shards = shard(
                "med42",
                (i, w) -> {
                    if (i == 1) {
                        w.put(GGUFSplit.NO, new GGUFValue(GGUFValueType.UINT16, 2L));
                    }
                },
                0,
                10,
                25);
        assertThatThrownBy(() -> GGUFFile.open(shards.getFirst()))
                .isInstanceOf(GGUFFormatException.class)
                .hasMessageStartingWith(shards.get(1) + ": at byte ")
                .hasMessageContaining("split.no = 2, but this is shard 2 of 3, so it should be 1");
    }

    @Test
    void rejects_a_tensor_count_that_does_not_add_up() throws IOException {
        List<Path> shards = shard(
                "med42",
                (i, w) -> {
                    if (i == 0) {
                        w.putInt32(GGUFSplit.TENSORS_COUNT, whole.tensors().size() + 1);
                    }
                },
                0,
                10,
                25);
        assertThatThrownBy(() -> GGUFFile.open(shards.get(1)))
                .isInstanceOf(GGUFFormatException.class)
                .hasMessageStartingWith(shards.getFirst() + ": at byte ")
                .hasMessageContaining("split.tensors.count = 40, but the 3 shards hold 39 tensors");
    }

    @Test
    void rejects_a_tensor_in_two_shards() throws IOException {
        GGUFTensorInfo norm = whole.tensor("output_norm.weight").orElseThrow();
        List<Path> shards = shard(
                "med42",
                (i, w) -> {
                    if (i == 2) {
                        w.addTensor(norm.name(), norm.type(), norm.shape(), d -> {});
                    }
                },
                0,
                10,
                25);
        assertThatThrownBy(() -> GGUFFile.open(shards.getFirst()))
                .isInstanceOf(GGUFFormatException.class)
                .hasMessageStartingWith(shards.get(2) + ": at byte ")
                .hasMessageContaining(
                        "duplicate tensor output_norm.weight: shard med42-00001-of-00003.gguf holds it too");
    }

    @Test
    void rejects_a_shard_whose_name_hides_its_siblings() throws IOException {
        List<Path> shards = shard("med42", AS_IS, 0, 10, 25);
        Path renamed = Files.move(shards.getFirst(), dir.resolve("med42.gguf"));
        assertThatThrownBy(() -> GGUFFile.open(renamed))
                .isInstanceOf(GGUFFormatException.class)
                .hasMessageContaining(
                        "this is shard 1 of 3 by its metadata, but its name does not end in " + "-00001-of-00003.gguf");
    }

    @Test
    void rejects_a_first_shard_without_the_tensor_count() throws IOException {
        List<Path> shards = shard(
                "med42",
                (i, w) -> {
                    if (i == 0) {
                        w.remove(GGUFSplit.TENSORS_COUNT);
                    }
                },
                0,
                10);
        assertThatThrownBy(() -> GGUFFile.open(shards.getFirst()))
                .isInstanceOf(GGUFFormatException.class)
                .hasMessageContaining("shard has no split.tensors.count key");
    }

    @Test
    void rejects_a_split_number_that_is_not_an_integer() throws IOException {
        List<Path> shards = shard(
                "med42",
                (i, w) -> {
                    if (i == 1) {
                        w.putString(GGUFSplit.NO, "1");
                    }
                },
                0,
                10);
        assertThatThrownBy(() -> GGUFFile.open(shards.getFirst()))
                .isInstanceOf(GGUFFormatException.class)
                .hasMessageContaining("split.no is STRING, expected an integer");
    }

    @Test
    void rejects_a_split_number_beyond_the_count() throws IOException {
        List<Path> shards =
                shard("med42", (i, w) -> w.put(GGUFSplit.NO, new GGUFValue(GGUFValueType.UINT16, 5L)), 0, 10);
        assertThatThrownBy(() -> GGUFFile.open(shards.getFirst()))
                .isInstanceOf(GGUFFormatException.class)
                .hasMessageContaining("split.no = 5 is not below split.count = 2");
    }

    /** The same tensors in the same order, with equal bytes (their offsets differ: each shard has its own). */
    private void assertSameTensors(GGUFFile file) {
        assertThat(file.tensors().stream().map(GGUFSplitTest::describe))
                .containsExactlyElementsOf(
                        whole.tensors().stream().map(GGUFSplitTest::describe).toList());
        assertThat(file.bytesByType()).isEqualTo(whole.bytesByType()).containsOnlyKeys(GGMLType.Q8_0, GGMLType.F32);
        for (GGUFTensorInfo t : whole.tensors()) {
            GGUFTensorInfo sharded = file.tensor(t.name()).orElseThrow();
            assertThat(file.tensorData(sharded).mismatch(whole.tensorData(t)))
                    .as(t.name())
                    .isEqualTo(-1);
        }
    }

    private static String describe(GGUFTensorInfo t) {
        return t.name() + " " + t.type() + " " + Arrays.toString(t.shape()) + " " + t.byteSize();
    }
}
