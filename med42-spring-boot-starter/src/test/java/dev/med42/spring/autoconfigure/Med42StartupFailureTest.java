package dev.med42.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** What a person sees when the application cannot start: Spring Boot's report, not a stack trace. */
@ExtendWith(OutputCaptureExtension.class)
class Med42StartupFailureTest {

    @Test
    void should_report_a_missing_model_file_with_the_key_and_the_remedy(CapturedOutput output) {
        assertThatThrownBy(() -> run("--med42.model.path=/models/med42-70b.Q4_K_M.gguf"));

        assertThat(output)
                .contains("APPLICATION FAILED TO START")
                .contains("The Med42 model file set by med42.model.path cannot be used.")
                .contains("Path: /models/med42-70b.Q4_K_M.gguf")
                .contains("Problem: the file does not exist")
                .contains("./med42 download --quant Q4_K_M")
                .doesNotContain("\tat ");
    }

    @Test
    void should_report_a_value_out_of_range_with_its_key(CapturedOutput output) {
        assertThatThrownBy(() -> run("--med42.model.path=" + TestModels.stories(), "--med42.generation.top-p=1.5"));

        assertThat(output)
                .contains("APPLICATION FAILED TO START")
                .contains("Property: med42.generation.top-p")
                .contains("Value: \"1.5\"")
                .contains("Reason: must be between 0 and 1")
                .doesNotContain("\tat ");
    }

    @Test
    void should_report_an_unknown_disclaimer_position_with_the_valid_ones(CapturedOutput output) {
        assertThatThrownBy(
                () -> run("--med42.model.path=" + TestModels.stories(), "--med42.disclaimer.position=footer"));

        assertThat(output)
                .contains("APPLICATION FAILED TO START")
                .contains("Property: med42.disclaimer.position")
                .contains("AFTER_ANSWER", "BEFORE_ANSWER", "METADATA_ONLY", "OFF")
                .doesNotContain("\tat ");
    }

    private static void run(String... args) {
        SpringApplication application = new SpringApplication(Med42TestApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.run(args);
    }
}
