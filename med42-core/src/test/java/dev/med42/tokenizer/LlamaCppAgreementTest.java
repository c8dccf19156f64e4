package dev.med42.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.med42.gguf.GGUFFile;
import dev.med42.testing.JsonValues;
import dev.med42.testing.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The tokenizer against what llama.cpp itself produced: its test vectors and the recorded goldens. */
class LlamaCppAgreementTest {
    private static final String VOCAB = "tokenizer/ggml-vocab-llama-spm.gguf";
    private static final Map<Path, SentencePieceTokenizer> TOKENIZERS = new ConcurrentHashMap<>();

    static SentencePieceTokenizer tokenizer(Path gguf) {
        return TOKENIZERS.computeIfAbsent(gguf, path -> {
            try (GGUFFile file = GGUFFile.open(path)) {
                return new SentencePieceTokenizer(Vocabulary.from(file.metadata()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    static SentencePieceTokenizer llama2() {
        return tokenizer(TestData.file(VOCAB));
    }

    /** The 46 cases of llama.cpp's test-tokenizer-0 for this vocabulary (add_special=false). */
    static Stream<Arguments> vocabTestCases() throws IOException {
        String inputs = Files.readString(TestData.file(VOCAB + ".inp"));
        List<String> expected = Files.readAllLines(TestData.file(VOCAB + ".out"));
        List<String> texts = new ArrayList<>(Arrays.asList(inputs.split("\n__ggml_vocab_test__\n", -1)));
        assertThat(texts.removeLast()).isEmpty();
        assertThat(texts).hasSize(46).hasSameSizeAs(expected);
        return Stream.iterate(0, i -> i + 1)
                .limit(texts.size())
                .map(i ->
                        Arguments.of(Named.of(i + ": " + printable(texts.get(i)), texts.get(i)), ids(expected.get(i))));
    }

    @ParameterizedTest
    @MethodSource("vocabTestCases")
    void encodes_llama_cpp_vocab_test_case(String text, int[] expected) {
        assertThat(llama2().encode(text, false, false)).containsExactly(expected);
    }

    @ParameterizedTest
    @MethodSource("vocabTestCases")
    void decodes_llama_cpp_vocab_test_case_back_to_its_text(String text, int[] ids) {
        assertThat(llama2().decode(ids)).isEqualTo(text);
    }

    static Stream<Arguments> extraCases() throws IOException {
        var cases = JsonValues.array(
                JsonValues.object(JsonValues.parse(Files.readString(TestData.file("tokenizer/extra-cases.json"))))
                        .get("cases"));
        return cases.stream()
                .map(JsonValues::object)
                .map(c -> Arguments.of(
                        Named.of(printable((String) c.get("input")), (String) c.get("input")),
                        JsonValues.ints(c.get("ids_with_bos")),
                        JsonValues.ints(c.get("ids_no_bos")),
                        JsonValues.ints(c.get("ids_with_bos_parse_special"))));
    }

    @ParameterizedTest
    @MethodSource("extraCases")
    void encodes_extra_case_with_bos(String text, int[] withBos, int[] noBos, int[] parseSpecial) {
        assertThat(llama2().encode(text, true, false)).containsExactly(withBos);
    }

    @ParameterizedTest
    @MethodSource("extraCases")
    void encodes_extra_case_without_bos(String text, int[] withBos, int[] noBos, int[] parseSpecial) {
        assertThat(llama2().encode(text, false, false)).containsExactly(noBos);
    }

    @ParameterizedTest
    @MethodSource("extraCases")
    void encodes_extra_case_with_special_tokens_parsed(String text, int[] withBos, int[] noBos, int[] parseSpecial) {
        assertThat(llama2().encode(text, true, true)).containsExactly(parseSpecial);
    }

    /** Every golden prompt, on the model file it was recorded with (512- and 32000-token vocabularies). */
    static Stream<Arguments> goldens() {
        return TestData.goldenModels().stream()
                .flatMap(model -> Stream.of("once", "clinical").map(prompt -> {
                    Path json = TestData.file("golden/" + model + "/" + prompt + ".json");
                    try {
                        return Arguments.of(
                                Named.of(model, TestData.modelFile(model)),
                                Named.of(prompt, JsonValues.object(JsonValues.parse(Files.readString(json)))));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }));
    }

    @ParameterizedTest
    @MethodSource("goldens")
    void encodes_golden_prompt(Path model, Map<String, Object> golden) {
        assertThat(golden.get("add_bos")).isEqualTo(true);
        assertThat(golden.get("parse_special")).isEqualTo(false);
        int[] tokens = tokenizer(model).encode((String) golden.get("prompt"), true, false);
        assertThat(tokens).containsExactly(JsonValues.ints(golden.get("prompt_tokens")));
        assertThat(tokens.length).isEqualTo(JsonValues.ints(golden.get("logits_shape"))[0]);
    }

    @ParameterizedTest
    @MethodSource("goldens")
    void renders_golden_pieces_with_special_tokens_shown(Path model, Map<String, Object> golden) {
        SentencePieceTokenizer tokenizer = tokenizer(model);
        for (String which : List.of("prompt", "gen")) {
            int[] tokens = JsonValues.ints(golden.get(which + "_tokens"));
            List<Object> pieces = JsonValues.array(golden.get(which + "_pieces_hex"));
            assertThat(pieces).hasSize(tokens.length);
            for (int i = 0; i < tokens.length; i++) {
                assertThat(HexFormat.of().formatHex(tokenizer.piece(tokens[i], true)))
                        .as("%s token %d (id %d)", which, i, tokens[i])
                        .isEqualTo(pieces.get(i));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("goldens")
    void decodes_golden_generation_to_llama_cpp_bytes(Path model, Map<String, Object> golden) {
        int[] generated = JsonValues.ints(golden.get("gen_tokens"));
        byte[] text = tokenizer(model).decodeBytes(generated);
        // Bytes, not gen_text: that field shows malformed UTF-8 its own way (a cut-off character at the end
        // as one U+FFFD per byte, where Java and Unicode's recommended practice give one in all).
        assertThat(HexFormat.of().formatHex(text)).isEqualTo(golden.get("gen_text_hex"));
    }

    @ParameterizedTest
    @MethodSource("goldens")
    void streams_golden_generation_to_the_same_text(Path model, Map<String, Object> golden) {
        SentencePieceTokenizer tokenizer = tokenizer(model);
        int[] generated = JsonValues.ints(golden.get("gen_tokens"));
        var decoder = new TokenDecoder(tokenizer);
        var streamed = new StringBuilder();
        for (int token : generated) {
            streamed.append(decoder.accept(token));
        }
        streamed.append(decoder.flush());
        // The stream keeps the first piece's leading space, which detokenize drops.
        String expected =
                new String(HexFormat.of().parseHex((String) golden.get("gen_text_hex")), StandardCharsets.UTF_8);
        String first = new String(tokenizer.piece(generated[0]), StandardCharsets.UTF_8);
        assertThat(streamed.toString()).isEqualTo(first.startsWith(" ") ? " " + expected : expected);
    }

    private static int[] ids(String line) {
        String trimmed = line.strip();
        return trimmed.isEmpty()
                ? new int[0]
                : Arrays.stream(trimmed.split(" ")).mapToInt(Integer::parseInt).toArray();
    }

    private static String printable(String text) {
        String shown = text.replace("\n", "\\n").replace("\t", "\\t");
        return "'" + (shown.length() > 40 ? shown.substring(0, 40) + "…" : shown) + "'";
    }
}
