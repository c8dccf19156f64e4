package dev.med42.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.med42.chat.Disclaimer;
import dev.med42.generate.SessionPool;
import dev.med42.langchain4j.Med42ChatModel;
import dev.med42.langchain4j.Med42ChatRequestParameters;
import dev.med42.langchain4j.Med42StreamingChatModel;
import dev.med42.model.KVCacheType;
import dev.med42.model.LlamaModel;
import dev.med42.sampling.SamplingParameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

class Med42AutoConfigurationTest {
    private final ApplicationContextRunner runner =
            new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(Med42AutoConfiguration.class));

    private final ApplicationContextRunner withModel = runner.withPropertyValues(TestModels.storiesProperties());

    @Test
    void should_configure_nothing_without_a_model_path() {
        runner.run(context -> assertThat(context)
                .hasNotFailed()
                .doesNotHaveBean(Med42Properties.class)
                .doesNotHaveBean(Med42ModelLoader.class)
                .doesNotHaveBean(LlamaModel.class)
                .doesNotHaveBean(SessionPool.class)
                .doesNotHaveBean(ChatModel.class)
                .doesNotHaveBean(StreamingChatModel.class));
    }

    @Test
    void should_serve_both_chat_models_from_one_model_and_one_session_pool() {
        withModel.run(context -> {
            assertThat(context)
                    .hasSingleBean(Med42ModelLoader.class)
                    .hasSingleBean(LlamaModel.class)
                    .hasSingleBean(SessionPool.class)
                    .hasSingleBean(Med42ChatModel.class)
                    .hasSingleBean(Med42StreamingChatModel.class);
            LlamaModel model = context.getBean(LlamaModel.class);
            assertThat(context.getBean(Med42ModelLoader.class).model()).containsSame(model);
            assertThat(context.getBean(SessionPool.class).model()).isSameAs(model);
        });
    }

    @Test
    void should_chat_and_stream_through_the_beans() {
        withModel.withPropertyValues("med42.generation.max-tokens=4").run(context -> {
            ChatResponse answer = context.getBean(ChatModel.class).chat(request());
            assertThat(answer.aiMessage().text()).endsWith(Disclaimer.DEFAULT_TEXT);

            var streamed = new CompletableFuture<ChatResponse>();
            context.getBean(StreamingChatModel.class).chat(request(), new StreamingChatResponseHandler() {
                @Override
                public void onCompleteResponse(ChatResponse response) {
                    streamed.complete(response);
                }

                @Override
                public void onError(Throwable error) {
                    streamed.completeExceptionally(error);
                }
            });
            assertThat(streamed.get(30, TimeUnit.SECONDS).aiMessage().text()).endsWith(Disclaimer.DEFAULT_TEXT);
        });
    }

    @Test
    void should_load_the_model_at_startup_by_default() {
        withModel.run(context -> assertThat(context.getBeanFactory().getSingleton("med42ModelLoader"))
                .isInstanceOfSatisfying(
                        Med42ModelLoader.class,
                        loader -> assertThat(loader.state()).isEqualTo(Med42ModelLoader.State.LOADED)));
    }

    @Test
    void should_load_the_model_at_startup_even_when_the_application_initializes_lazily() {
        withModel
                .withInitializer(context ->
                        context.addBeanFactoryPostProcessor(new LazyInitializationBeanFactoryPostProcessor()))
                .run(context -> {
                    // Made during startup, not by a lookup here: a lookup would load a lazy loader too.
                    assertThat(context.getBeanFactory().getSingleton("med42ModelLoader"))
                            .isInstanceOfSatisfying(
                                    Med42ModelLoader.class,
                                    loader -> assertThat(loader.state()).isEqualTo(Med42ModelLoader.State.LOADED));
                });
    }

    @Test
    void should_load_the_model_on_first_use_when_not_at_startup() {
        withModel.withPropertyValues("med42.model.load-on-startup=false").run(context -> {
            Med42ModelLoader loader = context.getBean(Med42ModelLoader.class);
            assertThat(loader.state()).isEqualTo(Med42ModelLoader.State.NOT_LOADED);

            context.getBean(ChatModel.class);

            assertThat(loader.state()).isEqualTo(Med42ModelLoader.State.LOADED);
        });
    }

    @Test
    void should_not_touch_a_missing_file_until_first_use_when_not_loading_at_startup() {
        runner.withPropertyValues("med42.model.path=/nonexistent/med42.gguf", "med42.model.load-on-startup=false")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThatThrownBy(() -> context.getBean(ChatModel.class))
                            .hasRootCauseInstanceOf(NoSuchFileException.class);
                    Med42ModelLoader loader = context.getBean(Med42ModelLoader.class);
                    assertThat(loader.state()).isEqualTo(Med42ModelLoader.State.FAILED);
                    assertThat(loader.failure())
                            .get()
                            .extracting(Med42ModelException::problem)
                            .isEqualTo(Med42ModelException.Problem.MISSING);
                });
    }

    @Test
    void should_fail_startup_when_the_model_cannot_be_loaded() {
        runner.withPropertyValues("med42.model.path=/nonexistent/med42.gguf").run(context -> {
            assertThat(context).hasFailed();
            assertThat(Failures.find(context.getStartupFailure(), Med42ModelException.class))
                    .extracting(Med42ModelException::problem)
                    .isEqualTo(Med42ModelException.Problem.MISSING);
        });
    }

    @Test
    void should_unmap_the_model_when_the_context_closes() {
        MemorySegment[] weights = new MemorySegment[1];
        Med42ModelLoader[] loader = new Med42ModelLoader[1];
        withModel.run(context -> {
            LlamaModel model = context.getBean(LlamaModel.class);
            weights[0] = model.file().tensorData(model.file().tensors().getFirst());
            loader[0] = context.getBean(Med42ModelLoader.class);
            weights[0].get(ValueLayout.JAVA_BYTE, 0); // readable while the context is open
        });

        assertThatThrownBy(() -> weights[0].get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
        assertThat(loader[0].state()).isEqualTo(Med42ModelLoader.State.CLOSED);
    }

    @Test
    void should_size_the_session_pool_from_the_model_properties() {
        withModel.withPropertyValues("med42.model.sessions=3").run(context -> {
            SessionPool pool = context.getBean(SessionPool.class);
            assertThat(pool.contextSize()).isEqualTo(TestModels.CONTEXT_SIZE);
            assertThat(pool.maxSessions()).isEqualTo(3);
            assertThat(context.getBean(Med42ChatModel.class).contextSize()).isEqualTo(TestModels.CONTEXT_SIZE);
        });
    }

    @Test
    void should_default_to_the_trained_context_and_one_session() {
        runner.withPropertyValues("med42.model.path=" + TestModels.stories()).run(context -> {
            SessionPool pool = context.getBean(SessionPool.class);
            assertThat(pool.contextSize())
                    .isEqualTo(context.getBean(LlamaModel.class).config().contextLength());
            assertThat(pool.maxSessions()).isEqualTo(1);
        });
    }

    @Test
    void should_compute_on_the_configured_threads() {
        withModel.withPropertyValues("med42.model.threads=3").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(LlamaModel.class).threads()).isEqualTo(3);
        });
    }

    @Test
    void should_default_to_the_model_card_sampling() {
        withModel.run(context -> {
            SamplingParameters card = SamplingParameters.MED42_MODEL_CARD;
            for (Med42ChatRequestParameters defaults : defaultsOfBothModels(context)) {
                assertThat(defaults.temperature()).isEqualTo(card.temperature());
                assertThat(defaults.topK()).isEqualTo(card.topK());
                assertThat(defaults.topP()).isEqualTo(card.topP());
                assertThat(defaults.minP()).isEqualTo(card.minP());
                assertThat(defaults.repeatPenalty()).isEqualTo(card.repeatPenalty());
                assertThat(defaults.maxOutputTokens()).isNull();
                assertThat(defaults.seed()).isNull();
            }
        });
    }

    @Test
    void should_apply_the_generation_properties_to_both_models() {
        withModel
                .withPropertyValues(
                        "med42.generation.temperature=0.2",
                        "med42.generation.top-k=5",
                        "med42.generation.top-p=0.5",
                        "med42.generation.min-p=0.1",
                        "med42.generation.repeat-penalty=1.3",
                        "med42.generation.max-tokens=64",
                        "med42.generation.seed=42")
                .run(context -> {
                    for (Med42ChatRequestParameters defaults : defaultsOfBothModels(context)) {
                        assertThat(defaults.temperature()).isEqualTo(0.2);
                        assertThat(defaults.topK()).isEqualTo(5);
                        assertThat(defaults.topP()).isEqualTo(0.5);
                        assertThat(defaults.minP()).isEqualTo(0.1);
                        assertThat(defaults.repeatPenalty()).isEqualTo(1.3);
                        assertThat(defaults.maxOutputTokens()).isEqualTo(64);
                        assertThat(defaults.seed()).isEqualTo(42);
                    }
                });
    }

    @Test
    void should_apply_the_system_prompt() {
        List<dev.langchain4j.data.message.ChatMessage> question = List.of(UserMessage.from("Is aspirin safe?"));
        int[] tokens = new int[2];
        withModel
                .withPropertyValues("med42.generation.system-prompt=")
                .run(context -> tokens[0] = context.getBean(Med42ChatModel.class)
                        .tokenCountEstimator()
                        .estimateTokenCountInMessages(question));
        withModel
                .withPropertyValues("med42.generation.system-prompt=Answer as a cardiologist would, in two sentences.")
                .run(context -> tokens[1] = context.getBean(Med42StreamingChatModel.class)
                        .tokenCountEstimator()
                        .estimateTokenCountInMessages(question));

        assertThat(tokens[1]).isGreaterThan(tokens[0]);
    }

    @Test
    void should_apply_the_disclaimer_properties_to_both_models() {
        withModel.run(context -> assertDisclaimer(context, Disclaimer.DEFAULT));
        withModel
                .withPropertyValues(
                        "med42.disclaimer.text=Not medical advice.", "med42.disclaimer.position=before-answer")
                .run(context -> assertDisclaimer(
                        context, new Disclaimer("Not medical advice.", Disclaimer.Position.BEFORE_ANSWER)));
        withModel
                .withPropertyValues("med42.disclaimer.position=metadata-only")
                .run(context ->
                        assertDisclaimer(context, Disclaimer.DEFAULT.withPosition(Disclaimer.Position.METADATA_ONLY)));
        withModel
                .withPropertyValues("med42.disclaimer.enabled=false")
                .run(context -> assertDisclaimer(context, Disclaimer.OFF));
        withModel
                .withPropertyValues("med42.disclaimer.position=off")
                .run(context -> assertDisclaimer(context, Disclaimer.OFF));
    }

    @Test
    void should_give_both_models_the_listener_beans_in_order() {
        withModel.withUserConfiguration(Listeners.class).run(context -> {
            List<ChatModelListener> expected = List.of(
                    context.getBean("first", ChatModelListener.class),
                    context.getBean("second", ChatModelListener.class));
            assertThat(context.getBean(Med42ChatModel.class).listeners()).containsExactlyElementsOf(expected);
            assertThat(context.getBean(Med42StreamingChatModel.class).listeners())
                    .containsExactlyElementsOf(expected);
        });
    }

    @Test
    void should_back_off_from_an_application_chat_model() {
        withModel
                .withBean(ChatModel.class, () -> new ChatModel() {})
                .run(context -> assertThat(context)
                        .hasSingleBean(ChatModel.class)
                        .doesNotHaveBean(Med42ChatModel.class)
                        .hasSingleBean(Med42StreamingChatModel.class));
    }

    @Test
    void should_back_off_from_an_application_streaming_chat_model() {
        withModel
                .withBean(StreamingChatModel.class, () -> new StreamingChatModel() {})
                .run(context -> assertThat(context)
                        .hasSingleBean(StreamingChatModel.class)
                        .doesNotHaveBean(Med42StreamingChatModel.class)
                        .hasSingleBean(Med42ChatModel.class));
    }

    @Test
    void should_use_an_application_session_pool() {
        withModel.withUserConfiguration(OwnSessionPool.class).run(context -> {
            assertThat(context).hasSingleBean(SessionPool.class);
            assertThat(context.getBean(SessionPool.class).maxSessions()).isEqualTo(7);
            assertThat(context.getBean(Med42ChatModel.class).contextSize()).isEqualTo(256);
        });
    }

    @Test
    void should_use_an_application_model() {
        withModel.withUserConfiguration(OwnModel.class).run(context -> {
            assertThat(context).hasSingleBean(LlamaModel.class);
            assertThat(context.getBean(SessionPool.class).model()).isSameAs(context.getBean("ownModel"));
        });
    }

    @Test
    void should_use_an_application_model_loader() {
        Med42ModelLoader own = new Med42ModelLoader(TestModels.stories());
        withModel.withBean(Med42ModelLoader.class, () -> own).run(context -> {
            assertThat(context).getBean(Med42ModelLoader.class).isSameAs(own);
            assertThat(context.getBean(LlamaModel.class)).isSameAs(own.load());
        });
    }

    private static ChatRequest request() {
        return ChatRequest.builder()
                .messages(UserMessage.from("What is a fever?"))
                .build();
    }

    private static List<Med42ChatRequestParameters> defaultsOfBothModels(ApplicationContext context) {
        return List.of(
                context.getBean(Med42ChatModel.class).defaultRequestParameters(),
                context.getBean(Med42StreamingChatModel.class).defaultRequestParameters());
    }

    private static void assertDisclaimer(ApplicationContext context, Disclaimer expected) {
        assertThat(context.getBean(Med42ChatModel.class).disclaimer()).isEqualTo(expected);
        assertThat(context.getBean(Med42StreamingChatModel.class).disclaimer()).isEqualTo(expected);
    }

    @Configuration(proxyBeanMethods = false)
    static class Listeners {
        @Bean
        @Order(2)
        ChatModelListener second() {
            return new ChatModelListener() {};
        }

        @Bean
        @Order(1)
        ChatModelListener first() {
            return new ChatModelListener() {};
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnSessionPool {
        @Bean
        SessionPool ownSessionPool(LlamaModel model) {
            return new SessionPool(model, 7, 256, KVCacheType.F16);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnModel {
        @Bean
        LlamaModel ownModel() {
            try {
                return LlamaModel.load(TestModels.stories());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
