package dev.med42.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.med42.gguf.GGUFArray;
import dev.med42.gguf.GGUFFile;
import dev.med42.gguf.GGUFTensorInfo;
import dev.med42.gguf.GGUFValue;
import dev.med42.gguf.GGUFValueType;
import dev.med42.gguf.GGUFWriter;
import dev.med42.quant.GGMLType;
import dev.med42.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code med42 info}, run through {@link Main#run} as the command line runs it. */
class InfoCommandTest {
    @TempDir
    Path dir;

    @Test
    void prints_the_metadata_tensor_table_and_totals_of_a_model() throws IOException {
        Path model = TestData.file("stories260K.gguf");
        CliRun run = CliRun.of("info", "-m", model.toString());

        assertThat(run.status()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out())
                .startsWith("* File: " + model + " (GGUF v3, 1,185,376 bytes, alignment 32)\n")
                .contains("* 19 key/value pairs:\n")
                .contains("     1: [STRING]  tokenizer.ggml.tokens = [STRING × 512]\n")
                .contains(": STRING    general.architecture = \"llama\"\n")
                .contains(": UINT32    llama.context_length = 128\n")
                .contains(": UINT32    tokenizer.ggml.padding_token_id = 4294967295\n")
                .contains(": FLOAT32   llama.attention.layer_norm_rms_epsilon = 1.0E-5\n")
                .contains("* 48 tensors:\n")
                .containsPattern("\n +1: F32 +token_embd\\.weight +64 x 512 +32,768 weights +131,072 bytes\n")
                .doesNotContain("Stored in");
        long weights;
        long bytes;
        try (GGUFFile file = GGUFFile.open(model)) {
            weights = file.tensors().stream()
                    .mapToLong(GGUFTensorInfo::elementCount)
                    .sum();
            bytes = file.tensors().stream().mapToLong(GGUFTensorInfo::byteSize).sum();
        }
        assertThat(run.out())
                .contains(String.format(Locale.ROOT, "* Parameters: %,d (%.2f K)%n", weights, weights / 1e3))
                .contains(String.format(
                        Locale.ROOT,
                        "* Tensor data: %,d bytes (%.2f MiB), 32.00 bits per weight%n",
                        bytes,
                        bytes / (double) (1 << 20)))
                .containsPattern("\n  F32 +48 tensors +[\\d,]+ weights +[\\d,]+ bytes +32\\.00 bits per weight\n");
    }

    @Test
    void shows_short_arrays_and_strings_and_summarizes_long_ones() throws IOException {
        Path model = dir.resolve("values.gguf");
        new GGUFWriter()
                .putString("chat_template", "{% for m in messages %}\n\t\"" + "x".repeat(100))
                .putString("short", "Med42 🩺")
                .putUInt64("big", -1L)
                .putArray("small", GGUFValueType.INT32, new int[] {1, -2, 3})
                .putArray("names", GGUFValueType.STRING, new String[] {"a", "b\nc"})
                .putArray("many", GGUFValueType.UINT8, new byte[9])
                .put("nested", new GGUFValue(GGUFValueType.ARRAY, GGUFArray.of(GGUFValueType.ARRAY, new GGUFArray[] {
                    GGUFArray.of(GGUFValueType.BOOL, new boolean[] {true, false})
                })))
                .addTensor("w", GGMLType.Q8_0, new long[] {64, 2}, new byte[136])
                .write(model);

        CliRun run = CliRun.of("info", "--model=" + model);

        assertThat(run.status()).isZero();
        String quotedStart = "\"{% for m in messages %}\\n\\t\\\"" + "x".repeat(60 - 26);
        assertThat(run.out())
                .contains(": STRING    chat_template = " + quotedStart + "…\"\n")
                .contains(": STRING    short = \"Med42 🩺\"\n")
                .contains(": UINT64    big = 18446744073709551615\n")
                .contains(": [INT32]   small = [1, -2, 3]\n")
                .contains(": [STRING]  names = [\"a\", \"b\\nc\"]\n")
                .contains(": [UINT8]   many = [UINT8 × 9]\n")
                .contains(": [ARRAY]   nested = [[true, false]]\n")
                .containsPattern("1: Q8_0 +w +64 x 2 +128 weights +136 bytes\n")
                .contains("* Tensor data: 136 bytes (136 bytes), 8.50 bits per weight\n");
    }

    @Test
    void lists_the_files_of_a_model_stored_in_raw_parts() throws IOException {
        byte[] bytes = Files.readAllBytes(TestData.file("stories260K.gguf"));
        Path a = dir.resolve("model.gguf-split-a");
        Path b = dir.resolve("model.gguf-split-b");
        Files.write(a, Arrays.copyOf(bytes, 700_000));
        Files.write(b, Arrays.copyOfRange(bytes, 700_000, bytes.length));

        CliRun run = CliRun.of("info", "-m", dir.resolve("model.gguf").toString());

        assertThat(run.status()).isZero();
        assertThat(run.out())
                .startsWith("* File: " + dir.resolve("model.gguf") + " (GGUF v3, 1,185,376 bytes, alignment 32)\n"
                        + "* Stored in 2 files:\n"
                        + "     1: " + a + " (700,000 bytes)\n"
                        + "     2: " + b + " (485,376 bytes)\n");
    }

    @Test
    void a_broken_file_is_an_error_on_stderr_with_status_1() throws IOException {
        Path model = dir.resolve("broken.gguf");
        byte[] bytes = Files.readAllBytes(TestData.file("stories260K.gguf"));
        Files.write(model, Arrays.copyOf(bytes, 1_000_000));

        CliRun run = CliRun.of("info", "-m", model.toString());

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err())
                .startsWith("med42 info: error: " + model + ": at byte ")
                .contains("truncated file: data of tensor ");
    }

    @Test
    void a_missing_file_is_an_error_with_status_1() {
        CliRun run = CliRun.of("info", "-m", dir.resolve("none.gguf").toString());

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("med42 info: error: no such file: " + dir.resolve("none.gguf"));
    }

    @Test
    void usage_errors_have_status_2() {
        assertThat(CliRun.of("info")).satisfies(r -> {
            assertThat(r.status()).isEqualTo(2);
            assertThat(r.err()).contains("missing required option -m FILE");
        });
        assertThat(CliRun.of("info", "model.gguf")).satisfies(r -> {
            assertThat(r.status()).isEqualTo(2);
            assertThat(r.err()).contains("unexpected argument 'model.gguf'");
        });
        assertThat(CliRun.of("info", "-x"))
                .satisfies(r -> assertThat(r.status()).isEqualTo(2));
    }

    @Test
    void help_lists_the_model_option() {
        CliRun run = CliRun.of("info", "--help");

        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("-m, --model FILE");
    }
}
