package dev.med42.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.med42.json.Json;
import dev.med42.testing.TestData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code med42 bench}: llama-bench's table and JSON, on the small bundled model (the numbers are not checked). */
class BenchCommandTest {
    private static final String MODEL = TestData.modelFile("tiny-Q8_0").toString();

    @Test
    void prints_llama_bench_s_markdown_table() {
        CliRun run = CliRun.of("bench", "-m", MODEL, "-p", "8", "-n", "4", "-t", "1", "-r", "2");
        assertThat(run.status()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0))
                .isEqualTo("| model                          |       size |     params | backend    | threads |"
                        + "          test |                  t/s |");
        assertThat(lines.get(1))
                .isEqualTo("| ------------------------------ | ---------: | ---------: | ---------- | ------: |"
                        + " ------------: | -------------------: |");
        assertThat(lines.get(2))
                .matches("\\| llama \\?B Q8_0 +\\| +[0-9.]+ MiB \\| +[0-9.]+ M \\| CPU +\\| +1 \\|"
                        + " +pp8 \\| +[0-9.]+ ± [0-9.]+ \\|");
        assertThat(lines.get(3)).contains("|           tg4 |");
    }

    @Test
    void prints_llama_bench_s_json_fields() throws Exception {
        CliRun run = CliRun.of("bench", "-m", MODEL, "-p", "8", "-n", "0", "-t", "1,2", "-r", "2", "-o", "json");
        assertThat(run.status()).as(run.err()).isZero();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> tests = (List<Map<String, Object>>) Json.parse(run.out());
        assertThat(tests).hasSize(2);
        assertThat(tests.get(1))
                .containsKeys("model_type", "model_size", "model_n_params", "avg_ns", "stddev_ns", "samples_ns")
                .containsEntry("n_prompt", 8L)
                .containsEntry("n_gen", 0L)
                .containsEntry("n_threads", 2L);
        assertThat(((Number) tests.get(1).get("avg_ts")).doubleValue()).isPositive();
        assertThat((List<?>) tests.get(1).get("samples_ts")).hasSize(2);
    }

    @Test
    void adds_a_generation_test_with_sequences_decoded_together_for_np() throws Exception {
        CliRun run =
                CliRun.of("bench", "-m", MODEL, "-p", "8", "-n", "4", "-t", "1", "-r", "1", "-np", "1,3", "-o", "json");
        assertThat(run.status()).as(run.err()).isZero();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> tests = (List<Map<String, Object>>) Json.parse(run.out());
        assertThat(tests)
                .extracting(t -> t.get("n_prompt") + "/" + t.get("n_gen") + "/" + t.get("n_parallel"))
                .containsExactly("8/0/1", "0/4/1", "0/4/3");
        assertThat(((Number) tests.get(2).get("avg_ts")).doubleValue()).isPositive();

        CliRun table = CliRun.of("bench", "-m", MODEL, "-p", "0", "-n", "4", "-t", "1", "-r", "1", "-np", "2");
        assertThat(table.out()).contains("|       tg4 np2 |");
    }

    @Test
    void rejects_a_test_without_tokens_and_an_unknown_format() {
        assertThat(CliRun.of("bench", "-m", MODEL, "-p", "0", "-n", "0").status())
                .isEqualTo(2);
        assertThat(CliRun.of("bench", "-m", MODEL, "-o", "csv").status()).isEqualTo(2);
    }
}
