package dev.med42.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.med42.chat.Disclaimer;
import dev.med42.generate.SessionPool;
import dev.med42.model.KVCacheType;
import dev.med42.testing.TestData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The builder and what the model says about itself; no text is generated here (see the ITs). */
class Med42ChatModelTest {

    @Test
    void should_report_the_model_card_defaults_as_its_default_parameters() {
        Med42ChatModel model =
                Med42ChatModel.builder().model(TestModels.shared()).build();

        Med42ChatRequestParameters defaults = model.defaultRequestParameters();

        assertThat(defaults.modelName()).isEqualTo(model.modelName());
        assertThat(defaults.temperature()).isEqualTo(0.7);
        assertThat(defaults.repeatPenalty()).isEqualTo(1.1);
        assertThat(defaults.topP()).isEqualTo(0.95);
        assertThat(defaults.topK()).isEqualTo(40);
        assertThat(defaults.minP()).isEqualTo(0.05);
        assertThat(defaults.repeatLastN()).isEqualTo(64);
        assertThat(defaults.frequencyPenalty()).isZero();
        assertThat(defaults.presencePenalty()).isZero();
        assertThat(defaults.maxOutputTokens()).isNull();
        assertThat(defaults.seed()).isNull();
        assertThat(defaults.stopSequences()).isEmpty();
        assertThat(model.disclaimer()).isEqualTo(Disclaimer.DEFAULT);
        assertThat(model.contextSize()).isEqualTo(TestModels.shared().config().contextLength());
    }

    @Test
    void should_let_builder_setters_win_over_default_request_parameters() {
        Med42ChatModel model = Med42ChatModel.builder()
                .model(TestModels.shared())
                .defaultRequestParameters(Med42ChatRequestParameters.builder()
                        .temperature(0.2)
                        .topK(5)
                        .minP(0.3)
                        .seed(9)
                        .maxOutputTokens(50)
                        .build())
                .temperature(0.4)
                .minP(0.1)
                .build();

        Med42ChatRequestParameters defaults = model.defaultRequestParameters();

        assertThat(defaults.temperature()).isEqualTo(0.4);
        assertThat(defaults.minP()).isEqualTo(0.1);
        assertThat(defaults.topK()).isEqualTo(5);
        assertThat(defaults.seed()).isEqualTo(9);
        assertThat(defaults.maxOutputTokens()).isEqualTo(50);
        assertThat(defaults.repeatPenalty()).isEqualTo(1.1);
    }

    @Test
    void should_refuse_default_parameters_it_cannot_honour() {
        Med42ChatModel.Builder builder = Med42ChatModel.builder().model(TestModels.shared());

        assertThatThrownBy(() -> builder.defaultRequestParameters(ChatRequestParameters.builder()
                                .toolSpecifications(
                                        ToolSpecification.builder().name("t").build())
                                .build())
                        .build())
                .isExactlyInstanceOf(UnsupportedFeatureException.class);
        assertThatThrownBy(() -> builder.defaultRequestParameters(ChatRequestParameters.builder()
                                .responseFormat(ResponseFormat.JSON)
                                .build())
                        .build())
                .isExactlyInstanceOf(UnsupportedFeatureException.class);
        assertThatThrownBy(() -> builder.defaultRequestParameters(ChatRequestParameters.builder()
                                .modelName("other")
                                .build())
                        .build())
                .isExactlyInstanceOf(UnsupportedFeatureException.class)
                .hasMessageContaining("modelName");
    }

    @Test
    void should_refuse_default_values_out_of_range_when_built() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Med42ChatModel.builder()
                        .model(TestModels.shared())
                        .repeatPenalty(0.0)
                        .build())
                .withMessageContaining("repeatPenalty");
    }

    @Test
    void should_need_exactly_one_source_of_the_model() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Med42ChatModel.builder().build())
                .withMessageContaining("exactly one of modelPath, model and sessionPool");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Med42ChatModel.builder()
                        .model(TestModels.shared())
                        .sessionPool(TestModels.sessions())
                        .build())
                .withMessageContaining("exactly one");
    }

    @Test
    void should_leave_session_options_to_a_shared_pool() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Med42ChatModel.builder()
                        .sessionPool(TestModels.sessions())
                        .contextSize(64)
                        .build())
                .withMessageContaining("belong to the session pool");
    }

    @Test
    void should_be_an_honest_local_model() {
        Med42StreamingChatModel model =
                Med42StreamingChatModel.builder().model(TestModels.shared()).build();

        assertThat(model.provider()).isEqualTo(ModelProvider.OTHER);
        assertThat(model.supportedCapabilities()).isEmpty();
        assertThat(model.modelName())
                .isEqualTo(TestModels.shared()
                        .file()
                        .metadata()
                        .getString("general.name")
                        .orElseThrow());
    }

    @Test
    void should_close_what_it_made_and_leave_what_it_was_given() throws Exception {
        Path file = TestData.file("stories260K.gguf");
        Med42ChatModel owner = Med42ChatModel.builder().modelPath(file).build();
        owner.close();
        assertThatThrownBy(() -> owner.chat("Hello")).hasMessageContaining("closed");

        try (SessionPool pool = new SessionPool(TestModels.shared(), 1, 64, KVCacheType.F32)) {
            Med42ChatModel.builder().sessionPool(pool).build().close();
            pool.acquire(new int[] {1}).close(); // still open
        }
    }
}
