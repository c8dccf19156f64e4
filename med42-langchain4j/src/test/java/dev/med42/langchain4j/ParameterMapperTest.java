package dev.med42.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.med42.chat.Med42ChatTemplate;
import dev.med42.generate.GenerationOptions;
import dev.med42.sampling.SamplingParameters;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParameterMapperTest {
    private static final ToolSpecification TOOL =
            ToolSpecification.builder().name("getWeather").build();

    @Test
    void should_follow_the_model_card_when_nothing_is_set() {
        GenerationOptions options = ParameterMapper.toGenerationOptions(Med42ChatRequestParameters.EMPTY);

        assertThat(options.sampling())
                .isEqualTo(
                        new SamplingParameters(0.7, 40, 0.95, 0.05, 1.1, 64, 0.0, 0.0, SamplingParameters.RANDOM_SEED));
        assertThat(options.maxTokens()).isEqualTo(-1);
        assertThat(options.stopStrings()).containsExactlyElementsOf(Med42ChatTemplate.stopStrings());
    }

    @Test
    void should_map_every_parameter_onto_the_sampler() {
        Med42ChatRequestParameters parameters = Med42ChatRequestParameters.builder()
                .temperature(0.0)
                .topP(0.5)
                .topK(7)
                .frequencyPenalty(0.3)
                .presencePenalty(0.4)
                .minP(0.2)
                .repeatPenalty(1.3)
                .repeatLastN(-1)
                .seed(42)
                .maxOutputTokens(12)
                .build();

        GenerationOptions options = ParameterMapper.toGenerationOptions(parameters);

        assertThat(options.sampling()).isEqualTo(new SamplingParameters(0.0, 7, 0.5, 0.2, 1.3, -1, 0.3, 0.4, 42));
        assertThat(options.maxTokens()).isEqualTo(12);
    }

    @Test
    void should_map_the_common_parameters_of_any_parameters_class() {
        ChatRequestParameters parameters =
                ChatRequestParameters.builder().temperature(0.1).topK(3).build();

        SamplingParameters sampling =
                ParameterMapper.toGenerationOptions(parameters).sampling();

        assertThat(sampling.temperature()).isEqualTo(0.1);
        assertThat(sampling.topK()).isEqualTo(3);
        assertThat(sampling.repeatPenalty()).isEqualTo(1.1);
    }

    @Test
    void should_stop_at_the_request_stop_sequences_and_always_at_the_role_markers() {
        ChatRequestParameters parameters =
                ChatRequestParameters.builder().stopSequences("END", "###").build();

        GenerationOptions options = ParameterMapper.toGenerationOptions(parameters);

        assertThat(options.stopStrings()).containsExactly("<|prompter|>", "<|assistant|>", "<|system|>", "END", "###");
    }

    @Test
    void should_reject_values_out_of_range_naming_the_parameter() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ParameterMapper.toGenerationOptions(
                        ChatRequestParameters.builder().topP(1.5).build()))
                .withMessageContaining("topP");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ParameterMapper.toGenerationOptions(
                        Med42ChatRequestParameters.builder().minP(-0.1).build()))
                .withMessageContaining("minP");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ParameterMapper.toGenerationOptions(
                        ChatRequestParameters.builder().maxOutputTokens(0).build()))
                .withMessageContaining("maxOutputTokens");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ParameterMapper.toGenerationOptions(
                        ChatRequestParameters.builder().stopSequences("").build()))
                .withMessageContaining("stopSequences");
    }

    @Test
    void should_refuse_a_required_tool_choice_before_the_tools() {
        ChatRequestParameters parameters = ChatRequestParameters.builder()
                .toolSpecifications(TOOL)
                .toolChoice(ToolChoice.REQUIRED)
                .build();

        assertThatThrownBy(() -> ParameterMapper.validate(parameters, "med42"))
                .isExactlyInstanceOf(UnsupportedFeatureException.class)
                .hasMessageContaining("ToolChoice.REQUIRED")
                .hasMessageContaining("not supported");
    }

    @Test
    void should_refuse_tools() {
        ChatRequestParameters parameters =
                ChatRequestParameters.builder().toolSpecifications(TOOL).build();

        assertThatThrownBy(() -> ParameterMapper.validate(parameters, "med42"))
                .isExactlyInstanceOf(UnsupportedFeatureException.class)
                .hasMessageContaining("tools are not supported");
    }

    @Test
    void should_refuse_json_output_with_or_without_a_schema() {
        JsonSchema schema = JsonSchema.builder()
                .name("Answer")
                .rootElement(
                        JsonObjectSchema.builder().addStringProperty("city").build())
                .build();

        assertThatThrownBy(() -> ParameterMapper.validate(
                        ChatRequestParameters.builder()
                                .responseFormat(ResponseFormat.JSON)
                                .build(),
                        "med42"))
                .isExactlyInstanceOf(UnsupportedFeatureException.class)
                .hasMessageContaining("JSON response format is not supported");
        assertThatThrownBy(() -> ParameterMapper.validate(
                        ChatRequestParameters.builder().responseFormat(schema).build(), "med42"))
                .isExactlyInstanceOf(UnsupportedFeatureException.class)
                .hasMessageContaining("JSON response format with a schema is not supported");
    }

    @Test
    void should_refuse_another_models_name() {
        ChatRequestParameters parameters =
                ChatRequestParameters.builder().modelName("gpt-4o").build();

        assertThatThrownBy(() -> ParameterMapper.validate(parameters, "med42"))
                .isExactlyInstanceOf(UnsupportedFeatureException.class)
                .hasMessageContaining("modelName 'gpt-4o' is not supported")
                .hasMessageContaining("'med42'");
    }

    @Test
    void should_accept_what_needs_nothing_it_cannot_do() {
        List<ChatRequestParameters> accepted = List.of(
                Med42ChatRequestParameters.EMPTY,
                ChatRequestParameters.builder().modelName("med42").build(),
                ChatRequestParameters.builder().toolChoice(ToolChoice.AUTO).build(),
                ChatRequestParameters.builder().toolChoice(ToolChoice.NONE).build(),
                ChatRequestParameters.builder()
                        .responseFormat(ResponseFormat.TEXT)
                        .build());

        for (ChatRequestParameters parameters : accepted) {
            assertThatCode(() -> ParameterMapper.validate(parameters, "med42")).doesNotThrowAnyException();
        }
    }
}
