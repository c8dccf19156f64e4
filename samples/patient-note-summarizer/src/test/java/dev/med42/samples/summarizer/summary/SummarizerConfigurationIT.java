package dev.med42.samples.summarizer.summary;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.med42.samples.summarizer.DemoModel;
import dev.med42.samples.summarizer.PatientNoteSummarizerApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

class SummarizerConfigurationIT {
    @Test
    void a_context_too_small_for_the_answers_fails_startup_naming_the_keys() {
        var application = new SpringApplicationBuilder(PatientNoteSummarizerApplication.class)
                .web(WebApplicationType.NONE)
                .properties("med42.model.path=" + DemoModel.path(), "med42.model.context-size=192");

        assertThatThrownBy(application::run)
                .rootCause()
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a context of 192 tokens is too small to summarize in answers of 64 tokens")
                .hasMessageContaining("med42.generation.max-tokens")
                .hasMessageContaining("med42.model.context-size");
    }
}
