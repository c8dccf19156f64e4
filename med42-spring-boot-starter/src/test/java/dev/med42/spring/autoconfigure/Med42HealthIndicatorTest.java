package dev.med42.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.langchain4j.model.chat.ChatModel;
import dev.med42.model.LlamaModel;
import dev.med42.testing.TestData;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class Med42HealthIndicatorTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(Med42AutoConfiguration.class, Med42HealthContributorAutoConfiguration.class));

    @Test
    void should_be_up_with_the_file_quantization_and_context_once_loaded() {
        runner.withPropertyValues(TestModels.storiesProperties()).run(context -> {
            Health health = context.getBean(Med42HealthIndicator.class).health();

            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails())
                    .containsExactlyInAnyOrderEntriesOf(Map.of(
                            "file",
                            TestModels.stories().toString(),
                            "quantization",
                            "F32",
                            "contextSize",
                            TestModels.CONTEXT_SIZE,
                            "loaded",
                            true));
        });
    }

    @Test
    void should_report_the_trained_context_when_none_is_configured_and_the_file_type_by_name() {
        Path file = TestData.file("synthetic/tiny-Q4_K_M.gguf");
        runner.withPropertyValues("med42.model.path=" + file).run(context -> {
            Health health = context.getBean(Med42HealthIndicator.class).health();

            assertThat(health.getDetails()).containsEntry("quantization", "Q4_K_M");
            assertThat(health.getDetails())
                    .containsEntry(
                            "contextSize",
                            context.getBean(LlamaModel.class).config().contextLength());
        });
    }

    @Test
    void should_be_unknown_until_a_lazy_model_is_first_used() {
        runner.withPropertyValues(TestModels.storiesProperties())
                .withPropertyValues("med42.model.load-on-startup=false")
                .run(context -> {
                    HealthIndicator indicator = context.getBean(Med42HealthIndicator.class);
                    Health before = indicator.health();
                    assertThat(before.getStatus()).isEqualTo(Status.UNKNOWN);
                    assertThat(before.getDetails())
                            .containsEntry("loaded", false)
                            .containsEntry("contextSize", TestModels.CONTEXT_SIZE)
                            .doesNotContainKey("quantization");

                    context.getBean(ChatModel.class);

                    assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
                });
    }

    @Test
    void should_be_down_with_the_problem_after_a_failed_load() {
        runner.withPropertyValues("med42.model.path=/nonexistent/med42.gguf", "med42.model.load-on-startup=false")
                .run(context -> {
                    assertThatThrownBy(() -> context.getBean(ChatModel.class));

                    Health health = context.getBean(Med42HealthIndicator.class).health();

                    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                    assertThat(health.getDetails())
                            .containsEntry("loaded", false)
                            .containsEntry("error", "the file does not exist");
                });
    }

    @Test
    void should_be_down_while_loading() {
        // Loading takes milliseconds for a real file: the state is stubbed to catch that moment.
        Med42ModelLoader loader = mock(Med42ModelLoader.class);
        when(loader.state()).thenReturn(Med42ModelLoader.State.LOADING);
        when(loader.path()).thenReturn(Path.of("/models/med42.gguf"));

        Health health = new Med42HealthIndicator(loader, null).health();

        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("loaded", false).doesNotContainKey("error");
    }

    @Test
    void should_be_named_med42() {
        runner.withPropertyValues(TestModels.storiesProperties())
                .run(context -> assertThat(context).hasBean("med42HealthIndicator"));
    }

    @Test
    void should_not_be_configured_without_spring_boot_health() {
        runner.withPropertyValues(TestModels.storiesProperties())
                .withClassLoader(new FilteredClassLoader(HealthIndicator.class))
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .hasSingleBean(ChatModel.class)
                        .doesNotHaveBean(Med42HealthIndicator.class));
    }

    @Test
    void should_not_be_configured_when_disabled() {
        runner.withPropertyValues(TestModels.storiesProperties())
                .withPropertyValues("management.health.med42.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(Med42HealthIndicator.class));
    }

    @Test
    void should_not_be_configured_without_a_model() {
        runner.run(context -> assertThat(context).doesNotHaveBean(Med42HealthIndicator.class));
    }

    @Test
    void should_back_off_from_an_application_indicator_of_the_same_name() {
        runner.withPropertyValues(TestModels.storiesProperties())
                .withBean(
                        "med42HealthIndicator",
                        HealthIndicator.class,
                        () -> () -> Health.up().build())
                .run(context -> assertThat(context).doesNotHaveBean(Med42HealthIndicator.class));
    }
}
