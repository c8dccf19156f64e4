package dev.med42.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.med42.chat.Disclaimer;
import dev.med42.sampling.SamplingParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.validation.FieldError;

/** Binding and validation of {@code med42.*}, on the properties alone (no model is loaded). */
class Med42PropertiesTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(PropertiesOnly.class)
            .withPropertyValues("med42.model.path=/models/med42.gguf");

    @Test
    void should_default_to_the_model_card_and_the_standard_disclaimer() {
        Med42Properties properties = new Med42Properties();
        SamplingParameters card = SamplingParameters.MED42_MODEL_CARD;

        assertThat(properties.getGeneration().getTemperature()).isEqualTo(card.temperature());
        assertThat(properties.getGeneration().getTopK()).isEqualTo(card.topK());
        assertThat(properties.getGeneration().getTopP()).isEqualTo(card.topP());
        assertThat(properties.getGeneration().getMinP()).isEqualTo(card.minP());
        assertThat(properties.getGeneration().getRepeatPenalty()).isEqualTo(card.repeatPenalty());
        assertThat(properties.getDisclaimer().toDisclaimer()).isEqualTo(Disclaimer.DEFAULT);
        assertThat(properties.getModel().getSessions()).isEqualTo(1);
        assertThat(properties.getModel().isLoadOnStartup()).isTrue();
        assertThat(properties.getServer().isEnabled()).isFalse();
        assertThat(properties.getServer().getSlots()).isEqualTo(1);
        assertThat(properties.getServer().getTokenBudget()).isEqualTo(512);
        assertThat(properties.getServer().getQueueLimit()).isEqualTo(16);
        assertThat(properties.getServer().getApiKey()).isNull();
        assertThat(properties.getServer().getModelName()).isNull();
    }

    @Test
    void should_bind_every_property() {
        runner.withPropertyValues(
                        "med42.model.context-size=2048",
                        "med42.model.sessions=2",
                        "med42.model.threads=8",
                        "med42.model.load-on-startup=false",
                        "med42.generation.temperature=0",
                        "med42.generation.top-k=0",
                        "med42.generation.top-p=1",
                        "med42.generation.min-p=0",
                        "med42.generation.repeat-penalty=1",
                        "med42.generation.max-tokens=256",
                        "med42.generation.seed=-1",
                        "med42.generation.system-prompt=Be brief.",
                        "med42.disclaimer.enabled=true",
                        "med42.disclaimer.text=Check with your doctor.",
                        "med42.disclaimer.position=METADATA_ONLY",
                        "med42.server.enabled=true",
                        "med42.server.slots=4",
                        "med42.server.token-budget=64",
                        "med42.server.queue-limit=0",
                        "med42.server.api-key=secret",
                        "med42.server.model-name=med42")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Med42Properties p = context.getBean(Med42Properties.class);
                    assertThat(p.getModel().getPath()).hasToString("/models/med42.gguf");
                    assertThat(p.getModel().getContextSize()).isEqualTo(2048);
                    assertThat(p.getModel().getSessions()).isEqualTo(2);
                    assertThat(p.getModel().getThreads()).isEqualTo(8);
                    assertThat(p.getModel().isLoadOnStartup()).isFalse();
                    assertThat(p.getGeneration().getTemperature()).isZero();
                    assertThat(p.getGeneration().getTopK()).isZero();
                    assertThat(p.getGeneration().getTopP()).isEqualTo(1);
                    assertThat(p.getGeneration().getMinP()).isZero();
                    assertThat(p.getGeneration().getRepeatPenalty()).isEqualTo(1);
                    assertThat(p.getGeneration().getMaxTokens()).isEqualTo(256);
                    assertThat(p.getGeneration().getSeed()).isEqualTo(-1);
                    assertThat(p.getGeneration().getSystemPrompt()).isEqualTo("Be brief.");
                    assertThat(p.getDisclaimer().toDisclaimer())
                            .isEqualTo(new Disclaimer("Check with your doctor.", Disclaimer.Position.METADATA_ONLY));
                    assertThat(p.getServer().isEnabled()).isTrue();
                    assertThat(p.getServer().getSlots()).isEqualTo(4);
                    assertThat(p.getServer().getTokenBudget()).isEqualTo(64);
                    assertThat(p.getServer().getQueueLimit()).isZero();
                    assertThat(p.getServer().getApiKey()).isEqualTo("secret");
                    assertThat(p.getServer().getModelName()).isEqualTo("med42");
                });
    }

    @ParameterizedTest
    @CsvSource({
        "model.path, ''",
        "model.context-size, 0",
        "model.sessions, 0",
        "model.threads, 0",
        "generation.temperature, -0.1",
        "generation.temperature, NaN",
        "generation.top-k, -1",
        "generation.top-p, 1.5",
        "generation.top-p, -0.5",
        "generation.min-p, 2",
        "generation.repeat-penalty, 0",
        "generation.max-tokens, 0",
        "generation.seed, -2",
        "disclaimer.text, ' '",
        "server.slots, 0",
        "server.token-budget, 0",
        "server.queue-limit, -1",
        "server.api-key, ' '",
        "server.model-name, ' '",
    })
    void should_fail_startup_naming_the_key_of_a_value_out_of_range(String key, String value) {
        runner.withPropertyValues("med42." + key + "=" + value).run(context -> {
            assertThat(context).hasFailed();
            BindValidationException failure = Failures.find(context.getStartupFailure(), BindValidationException.class);
            assertThat(failure.getValidationErrors().getAllErrors())
                    .singleElement()
                    .isInstanceOfSatisfying(FieldError.class, error -> {
                        assertThat(error.getObjectName() + "." + error.getField())
                                .isEqualTo("med42." + key);
                        assertThat(error.getDefaultMessage()).isNotBlank();
                    });
        });
    }

    @Test
    void should_accept_a_blank_text_when_the_disclaimer_is_off() {
        runner.withPropertyValues("med42.disclaimer.text=", "med42.disclaimer.enabled=false")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void should_fail_startup_naming_the_key_of_an_unknown_disclaimer_position() {
        runner.withPropertyValues("med42.disclaimer.position=footnote").run(context -> {
            BindException failure = Failures.find(context.getStartupFailure(), BindException.class);
            assertThat(failure.getProperty().getName()).hasToString("med42.disclaimer.position");
        });
    }

    @Test
    void should_fail_startup_naming_the_key_of_a_value_that_is_not_a_number() {
        runner.withPropertyValues("med42.generation.top-k=many").run(context -> {
            BindException failure = Failures.find(context.getStartupFailure(), BindException.class);
            assertThat(failure.getProperty().getName()).hasToString("med42.generation.top-k");
        });
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(Med42Properties.class)
    static class PropertiesOnly {}
}
