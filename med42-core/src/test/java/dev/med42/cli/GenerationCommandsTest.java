package dev.med42.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.med42.gguf.GGUFFile;
import dev.med42.testing.Golden;
import dev.med42.testing.TestData;
import dev.med42.tokenizer.SentencePieceTokenizer;
import dev.med42.tokenizer.Vocabulary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code med42 run}, {@code chat} and {@code perplexity} through {@link Main#run}. */
class GenerationCommandsTest {
    private static final String STORIES = TestData.file("stories260K.gguf").toString();

    @TempDir
    Path dir;

    @Test
    void run_prints_exactly_the_generated_text_on_stdout() throws Exception {
        Golden golden = Golden.load("stories260K", "once");
        CliRun run = CliRun.of("run", "-m", STORIES, "-p", "Once upon a time", "-n", "32", "--temp", "0", "-c", "512");
        assertThat(run.status()).as(run.err()).isZero();
        String expected = new String(pieces(golden.genTokens()), StandardCharsets.UTF_8);
        assertThat(run.out()).isEqualTo(expected);
        assertThat(run.err())
                .contains("prompt eval time =")
                .contains("eval time =")
                .contains("stop reason: length");
    }

    /** The bytes of the pieces of {@code tokens}, as a generation streams them (the leading space kept). */
    private static byte[] pieces(int[] tokens) throws Exception {
        try (GGUFFile file = GGUFFile.open(Path.of(STORIES))) {
            var tokenizer = new SentencePieceTokenizer(Vocabulary.from(file.metadata()));
            var out = new java.io.ByteArrayOutputStream();
            for (int token : tokens) {
                out.writeBytes(tokenizer.piece(token));
            }
            return out.toByteArray();
        }
    }

    @Test
    void run_takes_the_prompt_literally() {
        // "\n" in an argument is two characters, not a line break: no escape processing, as llama.cpp's -e off.
        CliRun literal = CliRun.of("run", "-m", STORIES, "-p", "a\\nb", "-n", "4", "--temp", "0");
        CliRun newline = CliRun.of("run", "-m", STORIES, "-p", "a\nb", "-n", "4", "--temp", "0");
        assertThat(literal.status()).isZero();
        assertThat(newline.status()).isZero();
        assertThat(literal.out()).isNotEqualTo(newline.out());
    }

    @Test
    void run_reads_the_prompt_from_a_file() throws Exception {
        Path prompt = Files.writeString(dir.resolve("prompt.txt"), "Once upon a time");
        CliRun fromFile = CliRun.of("run", "-m", STORIES, "-f", prompt.toString(), "-n", "8", "--temp", "0");
        CliRun fromArgument = CliRun.of("run", "-m", STORIES, "-p", "Once upon a time", "-n", "8", "--temp", "0");
        assertThat(fromFile.out()).isEqualTo(fromArgument.out());
    }

    @Test
    void run_warns_that_gpu_layers_are_ignored() {
        CliRun run = CliRun.of("run", "-m", STORIES, "-p", "x", "-n", "1", "-ngl", "99");
        assertThat(run.status()).isZero();
        assertThat(run.err()).contains("-ngl ignored");
    }

    @Test
    void run_reports_a_prompt_longer_than_the_context_with_both_sizes() {
        CliRun run = CliRun.of("run", "-m", STORIES, "-p", "Once upon a time there was", "-c", "4");
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("longer than the context of 4 tokens");
    }

    @Test
    void run_rejects_bad_options_as_usage_errors() {
        assertThat(CliRun.of("run", "-m", STORIES).status()).isEqualTo(2);
        assertThat(CliRun.of("run", "-m", STORIES, "-p", "x", "--temp", "hot").err())
                .contains("--temp expects a number");
        assertThat(CliRun.of("run", "-m", STORIES, "-p", "x", "--top-p", "2").status())
                .isEqualTo(2);
        assertThat(CliRun.of("run", "-m", STORIES, "-p", "x", "-ctk", "q8_0").err())
                .contains("unsupported KV cache type");
    }

    @Test
    void chat_answers_one_message_in_the_med42_template() {
        CliRun run = CliRun.of("chat", "-m", STORIES, "-p", "What is a fever?", "-n", "6", "--temp", "0", "-c", "512");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).endsWith("\n").isNotBlank();
        assertThat(run.err()).contains("eval time =");
    }

    @Test
    void perplexity_prints_llama_perplexitys_final_estimate() throws Exception {
        Path text = Files.writeString(dir.resolve("text.txt"), "Once upon a time there was a little girl. ".repeat(60));
        CliRun run = CliRun.of("perplexity", "-m", STORIES, "-f", text.toString(), "-c", "64");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).matches("Final estimate: PPL = \\d+\\.\\d{4} \\+/- \\d+\\.\\d{5}\n");
    }

    @Test
    void perplexity_needs_two_contexts_of_text() throws Exception {
        Path text = Files.writeString(dir.resolve("short.txt"), "Once upon a time");
        CliRun run = CliRun.of("perplexity", "-m", STORIES, "-f", text.toString(), "-c", "64");
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains("at least 128 tokens");
    }
}
