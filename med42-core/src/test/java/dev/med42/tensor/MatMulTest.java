package dev.med42.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.med42.gguf.GGUFFile;
import dev.med42.quant.Activations;
import dev.med42.quant.GGMLType;
import dev.med42.quant.Kernels;
import dev.med42.quant.WeightMatrix;
import dev.med42.testing.TestData;
import dev.med42.testing.TestTensors;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MatMulTest {
    @ParameterizedTest
    @EnumSource(
            value = GGMLType.class,
            names = {
                "F32", "F16", "BF16", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"
            })
    void computes_every_output_as_the_row_kernel_does(GGMLType type) {
        WeightMatrix w = random(type, 37, 512);
        Activations x = input(type, 512, 5);
        float[] out = new float[5 * 37];
        try (MatMul matmul = new MatMul(3)) {
            matmul.multiply(w, x, out);
        }
        for (int t = 0; t < 5; t++) {
            for (int r = 0; r < 37; r++) {
                float expected = Kernels.rowKernel(type).dot(w.data(), r * w.rowBytes(), x, t);
                assertThat(out[t * 37 + r]).isEqualTo(expected);
            }
        }
    }

    @Test
    void results_do_not_depend_on_the_thread_count() {
        WeightMatrix w = random(GGMLType.Q4_K, 101, 1024);
        Activations x = input(GGMLType.Q4_K, 1024, 3);
        float[] reference = product(1, w, x);
        for (int threads : new int[] {2, 3, 7, 16}) {
            assertThat(product(threads, w, x)).as("%d threads", threads).isEqualTo(reference);
        }
    }

    @Test
    void a_batch_gives_each_token_the_bits_it_gets_alone() {
        // 8192 columns: 16 tokens per cache-sized group, so 40 tokens span three groups
        int columns = 8192;
        int tokens = 40;
        WeightMatrix w = random(GGMLType.Q6_K, 9, columns);
        float[] input = TestTensors.gaussian(tokens * columns, 11);
        Activations batch = Activations.forWeights(GGMLType.Q6_K, columns, tokens);
        batch.quantize(input, tokens);
        float[] together = product(2, w, batch);

        Activations single = Activations.forWeights(GGMLType.Q6_K, columns, 1);
        for (int t = 0; t < tokens; t++) {
            single.quantize(input, t * columns, 1);
            assertThat(product(2, w, single))
                    .as("token %d", t)
                    .isEqualTo(Arrays.copyOfRange(together, t * 9, (t + 1) * 9));
        }
    }

    @Test
    void multiplies_the_matrices_of_a_model_file() throws IOException {
        try (GGUFFile file = GGUFFile.open(TestData.modelFile("tiny-Q4_K_M"));
                MatMul matmul = new MatMul(2)) {
            WeightMatrix q =
                    WeightMatrix.of(file, file.tensor("blk.0.attn_q.weight").orElseThrow());
            WeightMatrix output =
                    WeightMatrix.of(file, file.tensor("output.weight").orElseThrow());
            assertThat(q.type()).isEqualTo(GGMLType.Q4_K);
            assertThat(output.type()).isEqualTo(GGMLType.Q6_K);
            assertThat(output.rows()).isEqualTo(512);
            // Q4_K and Q6_K read the same Q8_K activations
            Activations x = Activations.forWeights(q.type(), q.columns(), 1);
            x.quantize(TestTensors.cosine(256, 0), 1);
            float[] logits = new float[512];
            matmul.multiply(output, x, logits);
            float[] queries = new float[256];
            matmul.multiply(q, x, queries);
            assertThat(logits[7])
                    .isEqualTo(Kernels.rowKernel(GGMLType.Q6_K).dot(output.data(), 7 * output.rowBytes(), x, 0));
            assertThat(queries[255])
                    .isEqualTo(Kernels.rowKernel(GGMLType.Q4_K).dot(q.data(), 255 * q.rowBytes(), x, 0));
        }
    }

    @Test
    void several_matrices_in_one_job_give_what_each_gives_alone() {
        // Q4_K and Q6_K share Q8_K activations, as Q, K and V of a Q4_K_M file do
        WeightMatrix q = random(GGMLType.Q4_K, 70, 512);
        WeightMatrix k = random(GGMLType.Q4_K, 9, 512);
        WeightMatrix v = random(GGMLType.Q6_K, 9, 512);
        for (int tokens : new int[] {1, 6}) {
            Activations x = input(GGMLType.Q4_K, 512, tokens);
            float[][] outs = {new float[70 * tokens], new float[9 * tokens], new float[9 * tokens]};
            try (MatMul matmul = new MatMul(3)) {
                matmul.multiply(new WeightMatrix[] {q, k, v}, x, outs);
            }
            assertThat(outs[0]).as("q, %d tokens", tokens).isEqualTo(product(1, q, x));
            assertThat(outs[1]).as("k, %d tokens", tokens).isEqualTo(product(2, k, x));
            assertThat(outs[2]).as("v, %d tokens", tokens).isEqualTo(product(1, v, x));
        }
    }

    @Test
    void rejects_activations_of_another_type_or_length_and_a_short_output() {
        WeightMatrix w = random(GGMLType.Q8_0, 4, 64);
        try (MatMul matmul = new MatMul(2)) {
            assertThatThrownBy(() -> matmul.multiply(w, input(GGMLType.Q4_1, 64, 1), new float[4]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Q8_0 activations, not Q8_1");
            assertThatThrownBy(() -> matmul.multiply(w, input(GGMLType.Q8_0, 96, 1), new float[4]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("96 columns");
            assertThatThrownBy(() -> matmul.multiply(w, input(GGMLType.Q8_0, 64, 2), new float[7]))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void a_failure_on_any_thread_reaches_the_caller_and_the_pool_stays_usable() {
        Arena arena = Arena.ofShared();
        var data = arena.allocate(GGMLType.Q8_0.byteSize(64) * 8);
        WeightMatrix unmapped = new WeightMatrix("gone", GGMLType.Q8_0, 8, 64, data);
        arena.close();
        try (MatMul matmul = new MatMul(4)) {
            assertThatThrownBy(() -> matmul.multiply(unmapped, input(GGMLType.Q8_0, 64, 1), new float[8]))
                    .isInstanceOf(IllegalStateException.class);
            WeightMatrix w = random(GGMLType.Q8_0, 8, 64);
            Activations x = input(GGMLType.Q8_0, 64, 1);
            float[] out = new float[8];
            matmul.multiply(w, x, out);
            assertThat(out[5]).isEqualTo(Kernels.rowKernel(GGMLType.Q8_0).dot(w.data(), 5 * w.rowBytes(), x, 0));
        }
    }

    @Test
    void rejects_work_after_close() {
        MatMul matmul = new MatMul(2);
        matmul.close();
        matmul.close();
        assertThatThrownBy(
                        () -> matmul.multiply(random(GGMLType.Q8_0, 1, 32), input(GGMLType.Q8_0, 32, 1), new float[1]))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void sizes_itself_from_the_machine_unless_told() {
        try (MatMul matmul = new MatMul()) {
            assertThat(matmul.threads()).isEqualTo(MatMul.defaultThreads());
        }
        assertThatThrownBy(() -> new MatMul(0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static float[] product(int threads, WeightMatrix w, Activations x) {
        float[] out = new float[x.tokens() * w.rows()];
        try (MatMul matmul = new MatMul(threads)) {
            matmul.multiply(w, x, out);
        }
        return out;
    }

    static WeightMatrix random(GGMLType type, int rows, int columns) {
        return new WeightMatrix(
                "w", type, rows, columns, TestTensors.random(type, rows, columns, rows * 31L + columns));
    }

    static Activations input(GGMLType weightType, int columns, int tokens) {
        Activations x = Activations.forWeights(weightType, columns, tokens);
        x.quantize(TestTensors.gaussian(columns * tokens, columns), tokens);
        return x;
    }
}
