package dev.med42.samples.summarizer.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogs;
import org.springframework.mock.env.MockEnvironment;

class ModelLocationTest {
    private final ModelLocation location = new ModelLocation(new DeferredLogs());
    private final MockEnvironment environment = new MockEnvironment();

    @Test
    void a_configured_path_wins() {
        environment.setProperty("med42.model.path", "/models/configured.gguf");
        environment.setProperty("MED42_MODEL", "/models/from-env.gguf");

        location.postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("med42.model.path")).isEqualTo("/models/configured.gguf");
    }

    @Test
    void MED42_MODEL_names_the_model_when_no_path_is_configured() {
        environment.setProperty("MED42_MODEL", "/models/med42-70b.Q4_K_M.gguf");

        location.postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("med42.model.path")).isEqualTo("/models/med42-70b.Q4_K_M.gguf");
    }

    @Test
    void without_either_the_bundled_demo_model_is_copied_to_a_file_and_used() throws Exception {
        location.postProcessEnvironment(environment, new SpringApplication());

        Path model = Path.of(environment.getProperty("med42.model.path"));
        assertThat(model).isRegularFile().hasFileName("llama2vocab-tiny-Q4_K_M.gguf");
        assertThat(Files.size(model)).isEqualTo(13_869_056);
    }

    @Test
    void a_blank_MED42_MODEL_counts_as_unset() {
        environment.setProperty("MED42_MODEL", " ");

        location.postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("med42.model.path")).endsWith("llama2vocab-tiny-Q4_K_M.gguf");
    }
}
