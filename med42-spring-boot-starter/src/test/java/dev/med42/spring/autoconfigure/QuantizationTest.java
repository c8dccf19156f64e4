package dev.med42.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.med42.gguf.GGUFFile;
import dev.med42.testing.TestData;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuantizationTest {

    @ParameterizedTest
    @CsvSource({
        // general.file_type, by llama.cpp's name
        "synthetic/tiny-Q4_K_M.gguf, Q4_K_M",
        "synthetic/tiny-Q8_0.gguf, Q8_0",
        // no general.file_type: the type of most bytes
        "stories260K.gguf, F32",
    })
    void should_name_the_quantization(String file, String expected) throws IOException {
        try (GGUFFile gguf = GGUFFile.open(TestData.file(file))) {
            assertThat(Quantization.of(gguf)).isEqualTo(expected);
        }
    }
}
