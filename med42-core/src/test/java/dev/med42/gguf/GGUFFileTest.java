package dev.med42.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.med42.quant.GGMLType;
import dev.med42.testing.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The reference files in the test data: every one opens and matches what gguf-py and the README say. */
class GGUFFileTest {
    private static final Path ROOT = TestData.file("README.md").getParent();

    static List<Path> every_gguf_file() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(p -> p.toString().endsWith(".gguf")).sorted().toList();
        }
    }

    static List<Path> synthetic_files() throws IOException {
        return every_gguf_file().stream()
                .filter(p -> p.getParent().getFileName().toString().equals("synthetic"))
                .toList();
    }

    /** One line of Part 2 of TENSOR_TYPES.txt. */
    record Listed(String name, String type, List<Long> shape, long bytes) {}

    /** Part 2 of TENSOR_TYPES.txt: file name to its size and tensors in file order. */
    private static final Map<String, Map.Entry<Long, List<Listed>>> TENSOR_TYPES = tensorTypes();

    private static Map<String, Map.Entry<Long, List<Listed>>> tensorTypes() {
        Pattern fileLine = Pattern.compile("== (\\S+)\\s+\\((\\d+) bytes\\)");
        Pattern tensorLine = Pattern.compile("\\s+(\\S+)\\s+(\\S+)\\s+ne=\\[([\\d, ]+)\\] bytes=(\\d+)");
        var result = new LinkedHashMap<String, Map.Entry<Long, List<Listed>>>();
        try {
            List<String> lines = Files.readAllLines(TestData.file("synthetic/TENSOR_TYPES.txt"));
            List<Listed> current = null;
            boolean part2 = false;
            for (String line : lines) {
                part2 |= line.startsWith("## Part 2");
                Matcher f = fileLine.matcher(line);
                Matcher t = tensorLine.matcher(line);
                if (part2 && f.matches()) {
                    current = new ArrayList<>();
                    result.put(f.group(1), Map.entry(Long.parseLong(f.group(2)), current));
                } else if (part2 && t.matches()) {
                    List<Long> shape = Arrays.stream(t.group(3).split(", "))
                            .map(Long::parseLong)
                            .toList();
                    current.add(new Listed(t.group(1), t.group(2), shape, Long.parseLong(t.group(4))));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    @ParameterizedTest
    @MethodSource("every_gguf_file")
    void opens_every_reference_file_and_maps_every_tensor(Path path) throws IOException {
        try (GGUFFile file = GGUFFile.open(path)) {
            assertThat(file.version()).isEqualTo(3);
            assertThat(file.byteSize()).isEqualTo(Files.size(path));
            assertThat(file.parts()).containsExactly(path);
            assertThat(file.dataOffset() % file.alignment()).isZero();
            for (GGUFTensorInfo t : file.tensors()) {
                MemorySegment data = file.tensorData(t);
                assertThat(data.byteSize()).isEqualTo(t.byteSize());
                assertThat(data.isMapped()).isTrue();
                assertThat(data.isReadOnly()).isTrue();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("synthetic_files")
    void tensor_table_equals_the_gguf_py_listing(Path path) throws IOException {
        var listed = TENSOR_TYPES.get(path.getFileName().toString());
        assertThat(listed).as("listed in TENSOR_TYPES.txt").isNotNull();
        try (GGUFFile file = GGUFFile.open(path)) {
            assertThat(file.byteSize()).isEqualTo(listed.getKey());
            List<Listed> actual = file.tensors().stream()
                    .map(t -> new Listed(
                            t.name(),
                            t.type().name(),
                            Arrays.stream(t.shape()).boxed().toList(),
                            t.byteSize()))
                    .toList();
            assertThat(actual).containsExactlyElementsOf(listed.getValue());
        }
    }

    @Test
    void every_synthetic_file_in_the_listing_is_checked_when_the_shared_set_is_present() throws IOException {
        List<String> present =
                synthetic_files().stream().map(p -> p.getFileName().toString()).toList();
        if (TestData.shared().isPresent()) {
            assertThat(present).containsExactlyInAnyOrderElementsOf(TENSOR_TYPES.keySet());
        } else {
            assertThat(TENSOR_TYPES.keySet()).containsAll(present);
        }
    }

    @Test
    void stories260K_metadata_matches_the_readme() throws IOException {
        try (GGUFFile file = GGUFFile.open(TestData.file("stories260K.gguf"))) {
            GGUFMetadata m = file.metadata();
            assertThat(m.getString("general.architecture")).hasValue("llama");
            assertThat(m.getInteger("llama.context_length")).hasValue(128);
            assertThat(m.getInteger("llama.embedding_length")).hasValue(64);
            assertThat(m.getInteger("llama.feed_forward_length")).hasValue(172);
            assertThat(m.getInteger("llama.block_count")).hasValue(5);
            assertThat(m.getInteger("llama.attention.head_count")).hasValue(8);
            assertThat(m.getInteger("llama.attention.head_count_kv")).hasValue(4);
            assertThat(m.getNumber("llama.attention.layer_norm_rms_epsilon").orElseThrow())
                    .isEqualTo(1e-5f);
            assertThat(m.contains("llama.rope.freq_base")).isFalse();
            assertThat(m.contains("tokenizer.ggml.add_bos_token")).isFalse();
            assertThat(m.getArray("tokenizer.ggml.tokens").orElseThrow().size()).isEqualTo(512);
            assertThat(m.getArray("tokenizer.ggml.scores").orElseThrow().floats())
                    .hasSize(512);
            assertThat(m.getInteger("tokenizer.ggml.bos_token_id")).hasValue(1);
            assertThat(file.alignment()).isEqualTo(32);
            assertThat(file.tensors()).allMatch(t -> t.type() == GGMLType.F32);
            assertThat(file.tensor("blk.0.ffn_down.weight").orElseThrow().shape())
                    .containsExactly(172, 64);
        }
    }

    @Test
    void stories260K_tensor_data_holds_the_converted_weights() throws IOException {
        try (GGUFFile file = GGUFFile.open(TestData.file("stories260K.gguf"))) {
            // RMS norm weights of a trained model are positive and near 1; random bytes would not be.
            MemorySegment norm =
                    file.tensorData(file.tensor("output_norm.weight").orElseThrow());
            float[] values = norm.toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN));
            assertThat(values).hasSize(64);
            for (float v : values) {
                assertThat(v).isBetween(0.05f, 20f);
            }
        }
    }

    @Test
    void llama_spm_vocabulary_has_32000_tokens_and_no_tensors() throws IOException {
        try (GGUFFile file = GGUFFile.open(TestData.file("tokenizer/ggml-vocab-llama-spm.gguf"))) {
            GGUFMetadata m = file.metadata();
            assertThat(file.tensors()).isEmpty();
            String[] tokens = m.getArray("tokenizer.ggml.tokens").orElseThrow().strings();
            assertThat(tokens).hasSize(32000);
            assertThat(tokens[0]).isEqualTo("<unk>");
            assertThat(tokens[1]).isEqualTo("<s>");
            assertThat(tokens[2]).isEqualTo("</s>");
            assertThat(tokens[3]).isEqualTo("<0x00>");
            assertThat(m.getArray("tokenizer.ggml.token_type").orElseThrow().ints())
                    .hasSize(32000)
                    .startsWith(2, 3, 3, 6);
            assertThat(m.getString("tokenizer.ggml.model")).hasValue("llama");
        }
    }

    @Test
    void synthetic_tiny_models_have_the_shape_the_readme_gives() throws IOException {
        try (GGUFFile file = GGUFFile.open(TestData.file("synthetic/tiny-Q8_0.gguf"))) {
            GGUFMetadata m = file.metadata();
            assertThat(m.getInteger("llama.embedding_length")).hasValue(256);
            assertThat(m.getInteger("llama.block_count")).hasValue(4);
            assertThat(m.getInteger("llama.attention.head_count")).hasValue(8);
            assertThat(m.getInteger("llama.attention.head_count_kv")).hasValue(2);
            assertThat(m.getInteger("llama.feed_forward_length")).hasValue(768);
            assertThat(m.getInteger("llama.context_length")).hasValue(512);
            assertThat(m.getInteger("llama.rope.dimension_count")).hasValue(32);
            assertThat(m.getNumber("llama.rope.freq_base")).hasValue(10000);
            assertThat(m.getArray("tokenizer.ggml.tokens").orElseThrow().size()).isEqualTo(512);
            assertThat(file.bytesByType()).containsOnlyKeys(GGMLType.Q8_0, GGMLType.F32);
        }
    }

    @Test
    void llama2_vocabulary_model_has_32000_tokens() throws IOException {
        Path path = TestData.find("synthetic/llama2vocab-tiny-Q4_K_M.gguf").orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(path != null, "needs the shared test data");
        try (GGUFFile file = GGUFFile.open(path)) {
            GGUFMetadata m = file.metadata();
            assertThat(m.getArray("tokenizer.ggml.tokens").orElseThrow().size()).isEqualTo(32000);
            assertThat(m.getString("tokenizer.ggml.pre")).hasValue("default");
            assertThat(m.getBoolean("tokenizer.ggml.add_bos_token")).hasValue(true);
            assertThat(file.tensor("token_embd.weight").orElseThrow().type()).isEqualTo(GGMLType.Q4_K);
            assertThat(file.tensor("output.weight").orElseThrow().type()).isEqualTo(GGMLType.Q6_K);
        }
    }

    @Test
    void tensor_data_of_a_foreign_tensor_is_refused() throws IOException {
        try (GGUFFile file = GGUFFile.open(TestData.file("stories260K.gguf"))) {
            var foreign = new GGUFTensorInfo("output.weight", GGMLType.F32, new long[] {64, 512}, 32, 131072);
            assertThatThrownBy(() -> file.tensorData(foreign)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void closing_unmaps_the_data_and_is_idempotent() throws IOException {
        GGUFFile file = GGUFFile.open(TestData.file("stories260K.gguf"));
        MemorySegment data = file.tensorData(file.tensors().getFirst());
        file.close();
        file.close();
        assertThatThrownBy(() -> data.get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void a_missing_file_is_an_io_error_not_a_format_error() {
        assertThatThrownBy(() -> GGUFFile.open(ROOT.resolve("no-such-model.gguf")))
                .isInstanceOf(java.nio.file.NoSuchFileException.class)
                .isNotInstanceOf(GGUFFormatException.class);
    }
}
