package dev.med42.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.med42.quant.Kernels;
import dev.med42.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A JVM started without {@code --add-modules jdk.incubator.vector} still runs, on the scalar kernels. */
class ScalarFallbackTest {
    @Test
    void without_the_vector_module_products_run_on_scalar_kernels_with_the_same_bits_and_one_warning()
            throws Exception {
        Path model = TestData.modelFile("tiny-Q4_K_M");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        ScalarFallbackProbe.class.getName(),
                        model.toString())
                .start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(child.exitValue()).as(err).isZero();

        List<String> lines = new ArrayList<>(out.lines().toList());
        assertThat(lines.removeFirst()).isEqualTo("vectorized=false");
        assertThat(lines).isEqualTo(ScalarFallbackProbe.products(model));
        assertThat(err.split("add-modules jdk.incubator.vector", -1)).hasSize(2);
        assertThat(err).doesNotContain("Exception");
    }

    @Test
    void this_test_jvm_has_the_vector_kernels() {
        // the comparison above is scalar (child) against vector (here) only when this holds
        assertThat(Kernels.vectorized()).isTrue();
    }
}
