package dev.med42.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.med42.gguf.GGUFWriter;
import dev.med42.hub.FakeHubAccess;
import dev.med42.quant.GGMLType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code med42 download} against the local hub imitation, its endpoint given as HF_ENDPOINT. */
class DownloadCommandTest {
    static final String REPO = "TheBloke/med42-70B-GGUF";
    static final String Q4 = "med42-70b.Q4_K_M.gguf";

    @TempDir
    Path dir;

    FakeHubAccess hub;
    final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void start() throws IOException {
        hub = new FakeHubAccess();
        hub.add(REPO, Q4, new byte[3000]);
        hub.add(REPO, "med42-70b.Q2_K.gguf", new byte[1000]);
        hub.add(REPO, "med42-70b.Q6_K.gguf-split-a", new byte[700]);
        hub.add(REPO, "med42-70b.Q6_K.gguf-split-b", new byte[300]);
        env.put("HF_ENDPOINT", hub.endpoint());
        env.put("HF_TOKEN", hub.token());
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    record Run(int status, String out, String err) {}

    /** Runs the command as {@link Main#run} runs one, with {@link #env} for its environment. */
    Run run(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        var outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        var errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        var command = new DownloadCommand(env::get, () -> false);
        int status;
        try {
            var options = new ArrayList<>(command.options());
            options.add(Main.HELP);
            status = command.run(Arguments.parse("download", options, args), outStream, errStream);
        } catch (UsageException e) {
            errStream.println("med42 download: " + e.getMessage());
            status = 2;
        } catch (Exception e) {
            errStream.println("med42 download: error: " + Main.describe(e));
            status = 1;
        }
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void downloads_a_quantization_and_prints_its_path_on_stdout() {
        Run run = run("--quant", "q4_k_m", "--dir", dir.toString());

        assertThat(run.status()).isZero();
        assertThat(run.out()).isEqualTo(dir.resolve(Q4) + "\n");
        assertThat(dir.resolve(Q4)).hasSize(3000);
        assertThat(run.err())
                .startsWith(
                        "med42 download: " + REPO + " Q4_K_M at main from " + hub.endpoint() + " into " + dir + "\n")
                .contains(Q4 + ": downloading 2.93 KiB\n")
                .contains(Q4 + ": downloaded 2.93 KiB in ");

        Run again = run("-q", "Q4_K_M", "--dir=" + dir);
        assertThat(again.status()).isZero();
        assertThat(again.out()).isEqualTo(dir.resolve(Q4) + "\n");
        assertThat(again.err()).contains(Q4 + ": already complete at " + dir.resolve(Q4));
    }

    @Test
    void prints_both_parts_of_a_split_model_and_says_how_to_open_them() {
        Run run = run("--quant", "Q6_K", "--dir", dir.toString());

        assertThat(run.status()).isZero();
        assertThat(run.out())
                .isEqualTo(dir.resolve("med42-70b.Q6_K.gguf-split-a") + "\n"
                        + dir.resolve("med42-70b.Q6_K.gguf-split-b") + "\n");
        assertThat(run.err())
                .endsWith("med42 download: the loader reads the parts as one model: -m "
                        + dir.resolve("med42-70b.Q6_K.gguf") + "\n");
    }

    @Test
    void an_unknown_quantization_fails_with_the_available_ones() {
        Run run = run("--quant", "Q9_K", "--dir", dir.toString());

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err())
                .endsWith("med42 download: error: " + REPO + " has no Q9_K GGUF file at revision main;"
                        + " available: Q2_K, Q4_K_M, Q6_K\n");
    }

    @Test
    void a_gated_repository_without_a_token_says_what_to_do() {
        hub.gate(REPO);
        env.remove("HF_TOKEN");

        Run run = run("--quant", "Q4_K_M", "--dir", dir.toString());

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err())
                .contains("med42 download: error: the repository " + REPO + " is gated: accept its terms on "
                        + hub.endpoint() + "/" + REPO + " and set HF_TOKEN to a token of that account");
        assertThat(run("--quant", "Q4_K_M", "--dir", dir.toString(), "--token", hub.token())
                        .status())
                .isZero();
    }

    @Test
    void another_repository_and_revision_can_be_named() {
        hub.add("m42-health/other-GGUF", "other.Q5_K_M.gguf", new byte[10]);

        Run run = run(
                "--repo",
                "m42-health/other-GGUF",
                "--revision",
                hub.commit(),
                "--quant",
                "Q5_K_M",
                "--dir",
                dir.toString());

        assertThat(run.status()).isZero();
        assertThat(run.out()).isEqualTo(dir.resolve("other.Q5_K_M.gguf") + "\n");
        assertThat(run("--quant", "Q4_K_M", "--revision", "nope", "--dir", dir.toString())
                        .err())
                .endsWith("error: revision nope not found in " + REPO + " (the hub says: Invalid rev id: nope)\n");
    }

    @Test
    void usage_errors_exit_with_status_2() {
        assertThat(run("--dir", dir.toString()))
                .isEqualTo(new Run(2, "", "med42 download: missing required option -q QUANT\n"));
        assertThat(run("--quant", "Q4_K_M", "--repo", "not a repo", "--dir", dir.toString()))
                .isEqualTo(new Run(2, "", "med42 download: not a repository id: 'not a repo' (expected OWNER/NAME)\n"));
        assertThat(run("--quant", "Q4_K_M", "extra").status()).isEqualTo(2);
        env.put("HF_ENDPOINT", "huggingface.co");
        assertThat(run("--quant", "Q4_K_M").err())
                .isEqualTo("med42 download: HF_ENDPOINT: not an http(s) URL with a host: huggingface.co\n");
    }

    @Test
    void is_listed_and_documented_by_main() {
        var out = new ByteArrayOutputStream();
        int status = Main.run(
                new String[] {"download", "--help"},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .startsWith("usage: med42 download [options]\n")
                .contains("-q, --quant QUANT")
                .contains("--repo REPO")
                .contains("--revision REV")
                .contains("--dir DIR")
                .contains("--join")
                .contains("--token TOKEN");
        var commands = new ByteArrayOutputStream();
        Main.run(new String[] {"--help"}, new PrintStream(commands, true, StandardCharsets.UTF_8), System.err);
        assertThat(commands.toString(StandardCharsets.UTF_8)).contains("  download     download a GGUF model");
    }

    @Test
    void joins_raw_parts_when_asked_and_prints_the_joined_file() throws IOException {
        Path whole = dir.resolve("whole.gguf");
        new GGUFWriter()
                .putString("general.architecture", "llama")
                .addTensor("w", GGMLType.F32, new long[] {256, 4}, new byte[4096])
                .write(whole);
        byte[] bytes = Files.readAllBytes(whole);
        Files.delete(whole);
        hub.add("org/split", "m.Q8_0.gguf-split-a", Arrays.copyOf(bytes, 3000));
        hub.add("org/split", "m.Q8_0.gguf-split-b", Arrays.copyOfRange(bytes, 3000, bytes.length));

        Run run = run("--repo", "org/split", "--quant", "Q8_0", "--dir", dir.toString(), "--join");

        assertThat(run.status()).isZero();
        assertThat(run.out()).isEqualTo(dir.resolve("m.Q8_0.gguf") + "\n");
        assertThat(dir.resolve("m.Q8_0.gguf")).hasBinaryContent(bytes);
        assertThat(dir.resolve("m.Q8_0.gguf-split-a")).doesNotExist();
        assertThat(dir.resolve("m.Q8_0.gguf-split-b")).doesNotExist();
        assertThat(run.err()).contains("m.Q8_0.gguf: joining ");
    }

    @Test
    void a_join_of_parts_that_are_not_gguf_fails_and_keeps_them() throws IOException {
        Run run = run("--quant", "Q6_K", "--dir", dir.toString(), "--join");

        // The parts are zeros, not a GGUF file: the join is refused and the parts are kept.
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains("did not make a valid GGUF file");
        assertThat(dir.resolve("med42-70b.Q6_K.gguf-split-a")).hasSize(700);
        assertThat(dir.resolve("med42-70b.Q6_K.gguf-split-b")).hasSize(300);
        assertThat(dir.resolve("med42-70b.Q6_K.gguf")).doesNotExist();
        assertThat(dir.resolve("med42-70b.Q6_K.gguf.incomplete")).doesNotExist();
    }
}
