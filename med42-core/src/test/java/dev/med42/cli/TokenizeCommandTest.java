package dev.med42.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.med42.testing.TestData;
import dev.med42.tokenizer.HandMadeVocabulary;
import dev.med42.tokenizer.TokenType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizeCommandTest {
    private static final String VOCAB =
            TestData.file("tokenizer/ggml-vocab-llama-spm.gguf").toString();

    @TempDir
    Path dir;

    @Test
    void prints_the_ids_as_a_json_array_with_bos_first() {
        assertThat(CliRun.of("tokenize", "-m", VOCAB, "-p", "Hello world"))
                .isEqualTo(new CliRun(0, "[1, 15043, 3186]\n", ""));
    }

    @Test
    void leaves_bos_out_when_asked() {
        assertThat(CliRun.of("tokenize", "--model", VOCAB, "--prompt", "Hello world", "--no-bos")
                        .out())
                .isEqualTo("[15043, 3186]\n");
        assertThat(CliRun.of("tokenize", "-m", VOCAB, "-p", "", "--no-bos").out())
                .isEqualTo("[]\n");
    }

    @Test
    void parses_control_token_text_only_when_asked() {
        assertThat(CliRun.of("tokenize", "-m", VOCAB, "-p", "<s>Hi</s>").out())
                .isEqualTo("[1, 529, 29879, 29958, 18567, 829, 29879, 29958]\n");
        assertThat(CliRun.of("tokenize", "-m", VOCAB, "-p", "<s>Hi</s>", "--parse-special")
                        .out())
                .isEqualTo("[1, 1, 6324, 2]\n"); // "Hi" after <s> gets the space prefix: ▁Hi
    }

    @Test
    void takes_the_prompt_literally() {
        // A backslash and an n, not a newline (13 is <0x0A>); the trailing space stays.
        assertThat(CliRun.of("tokenize", "-m", VOCAB, "-p", "a\\n ", "--no-bos").out())
                .isEqualTo("[263, 29905, 29876, 29871]\n");
        assertThat(CliRun.of("tokenize", "-m", VOCAB, "-p", "a\n", "--no-bos").out())
                .isEqualTo("[263, 13]\n");
    }

    @Test
    void reads_the_text_file_byte_for_byte() throws IOException {
        Path text = Files.writeString(dir.resolve("prompt.txt"), "Hello world\n");
        assertThat(CliRun.of("tokenize", "-m", VOCAB, "-f", text.toString()).out())
                .isEqualTo("[1, 15043, 3186, 13]\n");
        // Malformed UTF-8 is tokenized as llama.cpp does, not replaced: 0xFF becomes <0xFF> (258).
        Path bytes = Files.write(dir.resolve("bytes.txt"), new byte[] {(byte) 0xff, 'a'});
        assertThat(CliRun.of("tokenize", "-m", VOCAB, "-f", bytes.toString(), "--no-bos")
                        .out())
                .isEqualTo("[29871, 258, 100]\n");
    }

    @Test
    void needs_exactly_one_source_of_text() throws IOException {
        Path text = Files.writeString(dir.resolve("prompt.txt"), "x");
        for (String[] args :
                new String[][] {{"tokenize", "-m", VOCAB}, {"tokenize", "-m", VOCAB, "-p", "x", "-f", text.toString()}
                }) {
            CliRun result = CliRun.of(args);
            assertThat(result.status()).isEqualTo(2);
            assertThat(result.out()).isEmpty();
            assertThat(result.err()).isEqualTo("med42 tokenize: give the text with either -p TEXT or -f FILE\n");
        }
    }

    @Test
    void rejects_usage_errors_with_status_2() {
        assertThat(CliRun.of("tokenize", "-p", "x"))
                .isEqualTo(new CliRun(2, "", "med42 tokenize: missing required option -m FILE\n"));
        assertThat(CliRun.of("tokenize", "-m", VOCAB, "-p", "x", "stray"))
                .isEqualTo(new CliRun(2, "", "med42 tokenize: unexpected argument 'stray'\n"));
        assertThat(CliRun.of("tokenize", "-m", VOCAB, "-p"))
                .extracting(CliRun::status)
                .isEqualTo(2);
    }

    @Test
    void reports_a_missing_file_with_status_1() {
        Path missing = dir.resolve("missing.gguf");
        CliRun model = CliRun.of("tokenize", "-m", missing.toString(), "-p", "x");
        assertThat(model.status()).isEqualTo(1);
        assertThat(model.out()).isEmpty();
        assertThat(model.err()).startsWith("med42 tokenize: error: no such file: " + missing);
        assertThat(CliRun.of("tokenize", "-m", VOCAB, "-f", missing.toString()))
                .isEqualTo(new CliRun(1, "", "med42 tokenize: error: no such file: " + missing + "\n"));
    }

    @Test
    void reports_a_vocabulary_it_cannot_use_with_status_1() {
        Path gpt2 = new HandMadeVocabulary().set("tokenizer.ggml.model", "gpt2").write(dir.resolve("gpt2.gguf"));
        CliRun result = CliRun.of("tokenize", "-m", gpt2.toString(), "-p", "x");
        assertThat(result.status()).isEqualTo(1);
        assertThat(result.err()).contains("unsupported tokenizer model 'gpt2'");

        Path noBytes = new HandMadeVocabulary().add("▁", 0, TokenType.NORMAL).write(dir.resolve("nobytes.gguf"));
        assertThat(CliRun.of("tokenize", "-m", noBytes.toString(), "-p", "x"))
                .isEqualTo(new CliRun(
                        1,
                        "",
                        "med42 tokenize: error: cannot encode byte 0x78: the vocabulary has neither <0x78> nor the"
                                + " byte itself as a token\n"));
    }

    @Test
    void is_listed_among_the_commands() {
        assertThat(CliRun.of("--help").out()).contains("tokenize");
        assertThat(CliRun.of("tokenize", "--help").out()).contains("--parse-special", "--no-bos", "-f, --file FILE");
    }
}
