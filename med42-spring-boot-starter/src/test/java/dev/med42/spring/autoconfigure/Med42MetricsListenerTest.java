package dev.med42.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import dev.med42.generate.Timings;
import dev.med42.langchain4j.Med42ChatModel;
import dev.med42.langchain4j.Med42ChatResponseMetadata;
import dev.med42.langchain4j.Med42StreamingChatModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class Med42MetricsListenerTest {
    private final MockClock clock = new MockClock();
    private final MeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
    private final Med42MetricsListener listener = new Med42MetricsListener(registry);

    private final ChatRequest request =
            ChatRequest.builder().messages(UserMessage.from("What is a fever?")).build();

    @Test
    void should_count_a_request_in_flight_until_its_answer() {
        Map<Object, Object> attributes = new ConcurrentHashMap<>();

        listener.onRequest(new ChatModelRequestContext(request, ModelProvider.OTHER, attributes));
        assertThat(registry.get("med42.requests.active").gauge().value()).isEqualTo(1);

        listener.onResponse(new ChatModelResponseContext(response(12, 5), request, ModelProvider.OTHER, attributes));
        assertThat(registry.get("med42.requests.active").gauge().value()).isZero();
    }

    @Test
    void should_time_an_answered_request_and_count_its_tokens() {
        Map<Object, Object> attributes = new ConcurrentHashMap<>();

        listener.onRequest(new ChatModelRequestContext(request, ModelProvider.OTHER, attributes));
        clock.add(Duration.ofMillis(1500));
        listener.onResponse(new ChatModelResponseContext(response(12, 5), request, ModelProvider.OTHER, attributes));

        var timer = registry.get("med42.requests")
                .tag("outcome", "success")
                .tag("exception", "none")
                .timer();
        assertThat(timer.count()).isEqualTo(1);
        assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(1500);
        assertThat(registry.get("med42.tokens.prompt").counter().count()).isEqualTo(12);
        assertThat(registry.get("med42.tokens.generated").counter().count()).isEqualTo(5);
    }

    @Test
    void should_record_prompt_and_generation_speed_from_the_runtime_timings() {
        Map<Object, Object> attributes = new ConcurrentHashMap<>();
        ChatResponse response = ChatResponse.builder()
                .aiMessage(AiMessage.from("Fever is a raised body temperature."))
                .metadata(Med42ChatResponseMetadata.builder()
                        .tokenUsage(new TokenUsage(40, 10))
                        .timings(new Timings(40, 2_000_000_000L, 10, 500_000_000L))
                        .build())
                .build();

        listener.onRequest(new ChatModelRequestContext(request, ModelProvider.OTHER, attributes));
        listener.onResponse(new ChatModelResponseContext(response, request, ModelProvider.OTHER, attributes));

        assertThat(registry.get("med42.tokens.prompt.rate").summary().mean()).isEqualTo(20.0);
        assertThat(registry.get("med42.tokens.generated.rate").summary().mean()).isEqualTo(20.0);
    }

    @Test
    void should_time_a_failed_request_by_its_exception_type() {
        Map<Object, Object> attributes = new ConcurrentHashMap<>();

        listener.onRequest(new ChatModelRequestContext(request, ModelProvider.OTHER, attributes));
        listener.onError(new ChatModelErrorContext(
                new IllegalStateException("the session pool is closed"), request, ModelProvider.OTHER, attributes));

        assertThat(registry.get("med42.requests")
                        .tag("outcome", "error")
                        .tag("exception", "IllegalStateException")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("med42.requests.active").gauge().value()).isZero();
        assertThat(registry.get("med42.tokens.generated").counter().count()).isZero();
    }

    @Test
    void should_ignore_an_error_of_a_request_it_never_saw_begin() {
        listener.onError(new ChatModelErrorContext(
                new IllegalArgumentException("bad request"), request, ModelProvider.OTHER, new ConcurrentHashMap<>()));

        assertThat(registry.find("med42.requests").timer()).isNull();
        assertThat(registry.get("med42.requests.active").gauge().value()).isZero();
    }

    @Test
    void should_tag_no_text_of_the_conversation() {
        Map<Object, Object> attributes = new ConcurrentHashMap<>();
        listener.onRequest(new ChatModelRequestContext(request, ModelProvider.OTHER, attributes));
        listener.onResponse(new ChatModelResponseContext(response(12, 5), request, ModelProvider.OTHER, attributes));

        assertThat(registry.getMeters())
                .flatMap(meter -> meter.getId().getTags())
                .allSatisfy(tag -> assertThat(tag.getValue()).isIn("success", "none"));
    }

    @Test
    void should_listen_to_both_models_when_there_is_a_meter_registry() {
        runner().withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            Med42MetricsListener bean = context.getBean(Med42MetricsListener.class);
            assertThat(context.getBean(Med42ChatModel.class).listeners()).containsExactly(bean);
            assertThat(context.getBean(Med42StreamingChatModel.class).listeners())
                    .containsExactly(bean);

            context.getBean(ChatModel.class).chat(request);

            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get("med42.requests").timer().count()).isEqualTo(1);
            assertThat(meters.get("med42.tokens.generated").counter().count()).isPositive();
        });
    }

    @Test
    void should_not_be_configured_without_a_meter_registry() {
        runner().run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(Med42MetricsListener.class));
    }

    @Test
    void should_not_be_configured_without_micrometer() {
        runner().withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withClassLoader(new FilteredClassLoader(MeterRegistry.class))
                .run(context -> assertThat(context).doesNotHaveBean(Med42MetricsListener.class));
    }

    @Test
    void should_not_be_configured_without_a_model() {
        new ApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(Med42AutoConfiguration.class, Med42MetricsAutoConfiguration.class))
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .run(context -> assertThat(context).doesNotHaveBean(Med42MetricsListener.class));
    }

    @Test
    void should_back_off_from_an_application_listener_of_its_type() {
        Med42MetricsListener own = new Med42MetricsListener(new SimpleMeterRegistry());
        runner().withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withBean(Med42MetricsListener.class, () -> own)
                .run(context ->
                        assertThat(context).getBean(Med42MetricsListener.class).isSameAs(own));
    }

    private static ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(Med42AutoConfiguration.class, Med42MetricsAutoConfiguration.class))
                .withPropertyValues(TestModels.storiesProperties())
                .withPropertyValues("med42.generation.max-tokens=4");
    }

    private static ChatResponse response(int promptTokens, int generatedTokens) {
        return ChatResponse.builder()
                .aiMessage(AiMessage.from("Fever is a raised body temperature."))
                .tokenUsage(new TokenUsage(promptTokens, generatedTokens))
                .build();
    }
}
