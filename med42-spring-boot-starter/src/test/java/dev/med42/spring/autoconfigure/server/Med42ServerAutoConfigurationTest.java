package dev.med42.spring.autoconfigure.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.med42.generate.GenerationOptions;
import dev.med42.generate.TokenListener;
import dev.med42.spring.autoconfigure.Med42AutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** When the API is there: switched on, in a servlet web application with Jackson, over a configured model. */
class Med42ServerAutoConfigurationTest {
    private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(
            Med42AutoConfiguration.class, JacksonAutoConfiguration.class, Med42ServerAutoConfiguration.class);

    private final WebApplicationContextRunner web = new WebApplicationContextRunner()
            .withConfiguration(CONFIGURATIONS)
            .withPropertyValues("med42.model.path=" + Http.model(), "med42.model.context-size=64");

    @Test
    void serves_the_api_when_switched_on() {
        web.withPropertyValues("med42.server.enabled=true").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context)
                    .hasSingleBean(ServedModel.class)
                    .hasSingleBean(ChatCompletionsController.class)
                    .hasSingleBean(CompletionsController.class)
                    .hasSingleBean(ModelsController.class)
                    .hasSingleBean(HealthController.class)
                    .hasSingleBean(MetricsController.class)
                    .hasSingleBean(ApiExceptionHandler.class)
                    .doesNotHaveBean(WebMvcConfigurer.class);
            ServedModel.Ready ready = context.getBean(ServedModel.class).ready();
            assertThat(ready.scheduler().options().slots()).isEqualTo(1);
            assertThat(ready.scheduler().options().contextSize()).isEqualTo(64);
            assertThat(ready.scheduler().options().tokenBudget()).isEqualTo(512);
            assertThat(ready.scheduler().options().queueLimit()).isEqualTo(16);
        });
    }

    @Test
    void sizes_the_scheduler_from_the_properties_and_names_the_model_as_told() {
        web.withPropertyValues(
                        "med42.server.enabled=true",
                        "med42.server.slots=3",
                        "med42.server.token-budget=48",
                        "med42.server.queue-limit=5",
                        "med42.server.model-name=med42-70b")
                .run(context -> {
                    ServedModel.Ready ready = context.getBean(ServedModel.class).ready();
                    assertThat(ready.scheduler().options().slots()).isEqualTo(3);
                    assertThat(ready.scheduler().options().tokenBudget()).isEqualTo(48);
                    assertThat(ready.scheduler().options().queueLimit()).isEqualTo(5);
                    assertThat(ready.name()).isEqualTo("med42-70b");
                });
    }

    @Test
    void checks_the_api_key_when_one_is_set() {
        web.withPropertyValues("med42.server.enabled=true", "med42.server.api-key=secret")
                .run(context -> assertThat(context).hasSingleBean(WebMvcConfigurer.class));
    }

    @Test
    void stays_off_unless_switched_on() {
        web.run(context -> assertThat(context).doesNotHaveBean(ServedModel.class));
        web.withPropertyValues("med42.server.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(ServedModel.class));
    }

    @Test
    void stays_off_without_a_servlet_web_application() {
        new ApplicationContextRunner()
                .withConfiguration(CONFIGURATIONS)
                .withPropertyValues("med42.model.path=" + Http.model(), "med42.server.enabled=true")
                .run(context -> assertThat(context).doesNotHaveBean(ServedModel.class));
    }

    @Test
    void stays_off_without_a_model() {
        new WebApplicationContextRunner()
                .withConfiguration(CONFIGURATIONS)
                .withPropertyValues("med42.server.enabled=true")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(ServedModel.class);
                });
    }

    @Test
    void closes_the_scheduler_with_the_context() {
        web.withPropertyValues("med42.server.enabled=true").run(context -> {
            ServedModel served = context.getBean(ServedModel.class);
            var scheduler = served.ready().scheduler();
            context.close();
            assertThat(scheduler.activeRequests()).isZero();
            assertThatThrownBy(() -> scheduler.submit(new int[] {1}, GenerationOptions.defaults(), TokenListener.NONE))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
        });
    }
}
