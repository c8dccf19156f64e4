package dev.med42.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.med42.chat.Disclaimer;
import dev.med42.generate.SessionPool;
import dev.med42.langchain4j.Med42ChatModel;
import dev.med42.langchain4j.Med42ChatResponseMetadata;
import dev.med42.langchain4j.Med42StreamingChatModel;
import dev.med42.model.LlamaModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.validation.FieldError;

/** The remote mode's beans, properties and metrics, against a server on loopback that answers as llama.cpp's does. */
class Med42RemoteAutoConfigurationTest {
    /** llama.cpp's server's stream: the finish chunk carries the usage and the timings. */
    static final String STREAM = """
            data: {"choices":[{"text":" Rest","index":0,"logprobs":null,"finish_reason":null}],"object":"text_completion","id":"chatcmpl-1"}

            data: {"choices":[{"text":" and fluids.","index":0,"logprobs":null,"finish_reason":"stop"}],"object":"text_completion","usage":{"completion_tokens":4,"prompt_tokens":30,"total_tokens":34},"id":"chatcmpl-1","timings":{"prompt_n":30,"prompt_ms":60.0,"predicted_n":4,"predicted_ms":80.0}}

            data: [DONE]

            """;

    private final MockWebServer server = new MockWebServer();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    Med42AutoConfiguration.class,
                    Med42RemoteAutoConfiguration.class,
                    Med42MetricsAutoConfiguration.class));

    @BeforeEach
    void start() throws IOException {
        server.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ApplicationContextRunner remote() {
        return runner.withPropertyValues(
                "med42.remote.base-url=http://127.0.0.1:" + server.getPort(), "med42.remote.model=med42");
    }

    static MockResponse stream() {
        return new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .body(STREAM)
                .build();
    }

    @Test
    void should_serve_both_chat_models_from_the_server_without_a_model_file() {
        remote().run(context -> {
            assertThat(context)
                    .hasNotFailed()
                    .hasSingleBean(Med42ChatModel.class)
                    .hasSingleBean(Med42StreamingChatModel.class)
                    .doesNotHaveBean(Med42ModelLoader.class)
                    .doesNotHaveBean(LlamaModel.class)
                    .doesNotHaveBean(SessionPool.class);
            assertThat(context.getBean(Med42ChatModel.class).modelName()).isEqualTo("med42");
            assertThat(context.getBean(Med42StreamingChatModel.class).modelName())
                    .isEqualTo("med42");
        });
    }

    @Test
    void should_send_the_generation_settings_and_the_api_key_and_apply_the_disclaimer() {
        server.enqueue(stream());
        remote().withPropertyValues(
                        "med42.remote.api-key=sk-ward-7",
                        "med42.generation.temperature=0.2",
                        "med42.generation.max-tokens=64",
                        "med42.generation.system-prompt=Be brief.",
                        "med42.disclaimer.position=metadata-only")
                .run(context -> {
                    ChatResponse response = context.getBean(ChatModel.class)
                            .chat(dev.langchain4j.model.chat.request.ChatRequest.builder()
                                    .messages(dev.langchain4j.data.message.UserMessage.from("What helps a fever?"))
                                    .build());

                    assertThat(response.aiMessage().text()).isEqualTo("Rest and fluids.");
                    assertThat(((Med42ChatResponseMetadata) response.metadata()).disclaimer())
                            .isEqualTo(Disclaimer.DEFAULT_TEXT);
                    RecordedRequest request = server.takeRequest();
                    assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer sk-ward-7");
                    JsonNode body =
                            new ObjectMapper().readTree(request.getBody().utf8());
                    assertThat(body.get("model").textValue()).isEqualTo("med42");
                    assertThat(body.get("temperature").doubleValue()).isEqualTo(0.2);
                    assertThat(body.get("max_tokens").intValue()).isEqualTo(64);
                    assertThat(body.get("prompt").textValue())
                            .isEqualTo("<|system|>: Be brief.\n<|prompter|>:What helps a fever?\n<|assistant|>:\n");
                });
    }

    @Test
    void should_record_metrics_of_remote_requests_as_of_embedded_ones() {
        server.enqueue(stream());
        remote().withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            context.getBean(ChatModel.class).chat("What helps a fever?");

            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get("med42.requests")
                            .tag("outcome", "success")
                            .timer()
                            .count())
                    .isOne();
            assertThat(registry.get("med42.tokens.prompt").counter().count()).isEqualTo(30);
            assertThat(registry.get("med42.tokens.generated").counter().count()).isEqualTo(4);
            assertThat(registry.get("med42.tokens.generated.rate").summary().mean())
                    .as("from llama.cpp's timings")
                    .isEqualTo(50.0);
        });
    }

    @Test
    void should_back_off_from_the_applications_own_models() {
        ChatModel own = new ChatModel() {};
        remote().withBean(ChatModel.class, () -> own)
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .doesNotHaveBean(Med42ChatModel.class)
                        .hasSingleBean(Med42StreamingChatModel.class)
                        .getBean(ChatModel.class)
                        .isSameAs(own));
        remote().withBean(StreamingChatModel.class, () -> new StreamingChatModel() {})
                .run(context -> assertThat(context).doesNotHaveBean(Med42StreamingChatModel.class));
    }

    @Test
    void should_bind_every_remote_property() {
        remote().withPropertyValues(
                        "med42.remote.api-key=secret",
                        "med42.remote.connect-timeout=2s",
                        "med42.remote.read-timeout=5m",
                        "med42.remote.max-retries=0")
                .run(context -> {
                    Med42Properties.Remote remote =
                            context.getBean(Med42Properties.class).getRemote();
                    assertThat(remote.getBaseUrl()).hasToString("http://127.0.0.1:" + server.getPort());
                    assertThat(remote.getModel()).isEqualTo("med42");
                    assertThat(remote.getApiKey()).isEqualTo("secret");
                    assertThat(remote.getConnectTimeout()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(remote.getReadTimeout()).isEqualTo(Duration.ofMinutes(5));
                    assertThat(remote.getMaxRetries()).isZero();
                });
        Med42Properties.Remote defaults = new Med42Properties().getRemote();
        assertThat(defaults.getConnectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.getReadTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(defaults.getMaxRetries()).isEqualTo(3);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            med42.model.path=/models/med42.gguf | remote.base-url
            med42.remote.model=                 | remote.model
            med42.remote.api-key=               | remote.api-key
            med42.remote.connect-timeout=0s     | remote.connect-timeout
            med42.remote.read-timeout=-1s       | remote.read-timeout
            med42.remote.max-retries=-1         | remote.max-retries
            med42.server.enabled=true           | server.enabled
            """)
    void should_fail_startup_naming_the_key_of_a_remote_setting_that_cannot_work(String setting, String key) {
        remote().withPropertyValues(setting).run(context -> {
            assertThat(context).hasFailed();
            BindValidationException failure = Failures.find(context.getStartupFailure(), BindValidationException.class);
            assertThat(failure.getValidationErrors().getAllErrors())
                    .singleElement()
                    .isInstanceOfSatisfying(
                            FieldError.class,
                            error -> assertThat(error.getField()).isEqualTo(key));
        });
    }

    @Test
    void should_refuse_a_base_url_with_v1_saying_to_drop_it() {
        runner.withPropertyValues("med42.remote.base-url=http://gpu-node:8000/v1", "med42.remote.model=med42")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("without /v1"));
    }
}
