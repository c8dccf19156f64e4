package dev.med42.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.med42.gguf.GGUFFile;
import dev.med42.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ModelOptionsTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @Test
    void a_small_file_is_read_in_without_a_word() throws Exception {
        try (GGUFFile file = GGUFFile.open(TestData.modelFile("tiny-Q8_0"))) {
            ModelOptions.prefetch(file, err, false, Long.MAX_VALUE);
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void a_file_larger_than_memory_is_left_to_page_in_and_says_so() throws Exception {
        try (GGUFFile file = GGUFFile.open(TestData.modelFile("tiny-Q8_0"))) {
            ModelOptions.prefetch(file, err, false, 1000);
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .startsWith("tiny-Q8_0.gguf: ")
                .contains("is more than this machine's memory (1000 bytes)")
                .endsWith("its pages will be read from disk as they are used\n");
    }
}
