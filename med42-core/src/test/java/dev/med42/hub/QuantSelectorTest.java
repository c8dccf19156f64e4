package dev.med42.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.med42.hub.DownloadException.Reason;
import dev.med42.hub.QuantSelector.Layout;
import dev.med42.hub.QuantSelector.Selection;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuantSelectorTest {
    /** TheBloke/med42-70B-GGUF as the hub lists it. */
    static final List<RepoFile> MED42 = files(
            ".gitattributes",
            "LICENSE.txt",
            "README.md",
            "config.json",
            "med42-70b.Q2_K.gguf",
            "med42-70b.Q3_K_L.gguf",
            "med42-70b.Q3_K_M.gguf",
            "med42-70b.Q3_K_S.gguf",
            "med42-70b.Q4_0.gguf",
            "med42-70b.Q4_K_M.gguf",
            "med42-70b.Q4_K_S.gguf",
            "med42-70b.Q5_0.gguf",
            "med42-70b.Q5_K_M.gguf",
            "med42-70b.Q5_K_S.gguf",
            "med42-70b.Q6_K.gguf-split-a",
            "med42-70b.Q6_K.gguf-split-b",
            "med42-70b.Q8_0.gguf-split-a",
            "med42-70b.Q8_0.gguf-split-b");

    static List<RepoFile> files(String... paths) {
        return Arrays.stream(paths).map(p -> new RepoFile(p, 10, null)).toList();
    }

    @ParameterizedTest
    @CsvSource({
        "med42-70b.Q4_K_M.gguf, Q4_K_M",
        "med42-70b.Q6_K.gguf-split-b, Q6_K",
        "llama-2-7b-chat.Q8_0.gguf, Q8_0",
        "mistral-7b-v0.1.Q5_K_S.gguf, Q5_K_S",
        "Meta-Llama-3-8B-Instruct-IQ2_XXS.gguf, IQ2_XXS",
        "qwen2-7b-instruct-q4_k_m-00001-of-00002.gguf, Q4_K_M",
        "sub/dir/model-f16.gguf, F16",
        "model-BF16.gguf, BF16",
        "model.Q4_0_4_4.gguf, Q4_0_4_4",
    })
    void reads_the_quantization_from_the_file_name(String name, String quantization) {
        assertThat(QuantSelector.quantizationOf(name)).hasValue(quantization);
    }

    @ParameterizedTest
    @CsvSource({"README.md", "config.json", "model.gguf", "mmproj-model.gguf", "med42-70b.Q4_K_M.bin", "ggml-vocab.gguf"
    })
    void other_files_have_no_quantization(String name) {
        assertThat(QuantSelector.quantizationOf(name)).isEmpty();
    }

    @Test
    void lists_the_available_quantizations_sorted() {
        assertThat(QuantSelector.available(MED42))
                .containsExactly(
                        "Q2_K", "Q3_K_L", "Q3_K_M", "Q3_K_S", "Q4_0", "Q4_K_M", "Q4_K_S", "Q5_0", "Q5_K_M", "Q5_K_S",
                        "Q6_K", "Q8_0");
    }

    @Test
    void selects_a_single_file_ignoring_case() throws DownloadException {
        Selection selection = QuantSelector.select(MED42, "q4_k_m", "r", "main");

        assertThat(selection.quantization()).isEqualTo("Q4_K_M");
        assertThat(selection.layout()).isEqualTo(Layout.SINGLE_FILE);
        assertThat(selection.modelPath()).isEqualTo("med42-70b.Q4_K_M.gguf");
        assertThat(selection.files()).extracting(RepoFile::path).containsExactly("med42-70b.Q4_K_M.gguf");
    }

    @Test
    void selects_both_raw_parts_in_order() throws DownloadException {
        List<RepoFile> reversed = files("m.Q6_K.gguf-split-c", "m.Q6_K.gguf-split-a", "m.Q6_K.gguf-split-b");

        Selection selection = QuantSelector.select(reversed, "Q6_K", "r", "main");

        assertThat(selection.layout()).isEqualTo(Layout.RAW_PARTS);
        assertThat(selection.modelPath()).isEqualTo("m.Q6_K.gguf");
        assertThat(selection.files())
                .extracting(RepoFile::path)
                .containsExactly("m.Q6_K.gguf-split-a", "m.Q6_K.gguf-split-b", "m.Q6_K.gguf-split-c");
    }

    @Test
    void selects_gguf_split_shards_in_order() throws DownloadException {
        List<RepoFile> shards = files(
                "Q4_K_M/m-Q4_K_M-00003-of-00003.gguf",
                "Q4_K_M/m-Q4_K_M-00001-of-00003.gguf",
                "Q4_K_M/m-Q4_K_M-00002-of-00003.gguf");

        Selection selection = QuantSelector.select(shards, "Q4_K_M", "r", "main");

        assertThat(selection.layout()).isEqualTo(Layout.SHARDS);
        assertThat(selection.modelPath()).isEqualTo("Q4_K_M/m-Q4_K_M-00001-of-00003.gguf");
        assertThat(selection.files())
                .extracting(RepoFile::name)
                .containsExactly(
                        "m-Q4_K_M-00001-of-00003.gguf", "m-Q4_K_M-00002-of-00003.gguf", "m-Q4_K_M-00003-of-00003.gguf");
    }

    @Test
    void an_unknown_quantization_lists_the_available_ones() {
        assertThatThrownBy(() -> QuantSelector.select(MED42, "Q4_K_XL", "TheBloke/med42-70B-GGUF", "main"))
                .isInstanceOfSatisfying(
                        DownloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.QUANTIZATION_NOT_FOUND))
                .hasMessage("TheBloke/med42-70B-GGUF has no Q4_K_XL GGUF file at revision main; available: Q2_K,"
                        + " Q3_K_L, Q3_K_M, Q3_K_S, Q4_0, Q4_K_M, Q4_K_S, Q5_0, Q5_K_M, Q5_K_S, Q6_K, Q8_0");
        assertThatThrownBy(() -> QuantSelector.select(files("README.md"), "Q4_K_M", "a/b", "v1"))
                .hasMessage("a/b has no Q4_K_M GGUF file at revision v1; it has no GGUF files at all");
    }

    @Test
    void several_models_of_one_quantization_are_ambiguous() {
        assertThatThrownBy(() -> QuantSelector.select(files("a.Q4_0.gguf", "b.Q4_0.gguf"), "Q4_0", "r", "main"))
                .isInstanceOfSatisfying(
                        DownloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.QUANTIZATION_AMBIGUOUS))
                .hasMessage("several models of r are Q4_0: [a.Q4_0.gguf, b.Q4_0.gguf]");
    }

    @Test
    void an_incomplete_set_of_parts_or_shards_is_an_error() {
        for (List<RepoFile> incomplete : List.of(
                files("m.Q6_K.gguf-split-b"),
                files("m.Q6_K.gguf-split-a", "m.Q6_K.gguf-split-c"),
                files("m-Q8_0-00001-of-00003.gguf", "m-Q8_0-00002-of-00003.gguf"),
                files("m-Q8_0-00001-of-00002.gguf", "m-Q8_0-00002-of-00003.gguf"))) {
            assertThatThrownBy(() -> QuantSelector.select(
                            incomplete, incomplete.getFirst().name().contains("Q6") ? "Q6_K" : "Q8_0", "r", "main"))
                    .isInstanceOfSatisfying(
                            DownloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_RESPONSE))
                    .hasMessageContaining("lists an incomplete set of parts");
        }
    }
}
