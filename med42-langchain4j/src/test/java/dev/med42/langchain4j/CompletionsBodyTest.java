package dev.med42.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.med42.generate.GenerationOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompletionsBodyTest {
    private final ObjectMapper json = new ObjectMapper();

    private JsonNode body(ChatRequestParameters parameters) {
        GenerationOptions options = ParameterMapper.toGenerationOptions(parameters);
        return CompletionsBody.of(json, "med42", "<|prompter|>:Hi\n<|assistant|>:\n", options);
    }

    @Test
    void sends_every_sampler_value_of_the_model_card_and_asks_for_a_stream_with_usage() throws Exception {
        assertThat(body(Med42ChatRequestParameters.EMPTY)).isEqualTo(json.readTree("""
                        {"model": "med42", "prompt": "<|prompter|>:Hi\\n<|assistant|>:\\n", "max_tokens": null,
                         "temperature": 0.7, "top_p": 0.95, "top_k": 40, "min_p": 0.05,
                         "repeat_penalty": 1.1, "repeat_last_n": 64, "repetition_penalty": 1.1,
                         "frequency_penalty": 0.0, "presence_penalty": 0.0,
                         "stop": ["<|prompter|>", "<|assistant|>", "<|system|>"],
                         "stream": true, "stream_options": {"include_usage": true}}
                        """));
    }

    @Test
    void maps_the_request_parameters_onto_the_completions_api() {
        JsonNode body = body(Med42ChatRequestParameters.builder()
                .temperature(0.0)
                .topP(0.5)
                .topK(0)
                .minP(0.0)
                .repeatPenalty(1.0)
                .repeatLastN(-1)
                .frequencyPenalty(0.25)
                .presencePenalty(-0.5)
                .seed(42)
                .maxOutputTokens(128)
                .stopSequences(List.of("\n\n", "END"))
                .build());

        assertThat(body.get("temperature").doubleValue()).isZero();
        assertThat(body.get("top_p").doubleValue()).isEqualTo(0.5);
        assertThat(body.get("top_k").intValue()).as("off: vLLM refuses 0").isEqualTo(-1);
        assertThat(body.get("min_p").doubleValue()).isZero();
        assertThat(body.get("repeat_penalty").doubleValue()).isEqualTo(1.0);
        assertThat(body.get("repetition_penalty").doubleValue()).isEqualTo(1.0);
        assertThat(body.get("repeat_last_n").intValue()).isEqualTo(-1);
        assertThat(body.get("frequency_penalty").doubleValue()).isEqualTo(0.25);
        assertThat(body.get("presence_penalty").doubleValue()).isEqualTo(-0.5);
        assertThat(body.get("seed").longValue()).isEqualTo(42);
        assertThat(body.get("max_tokens").intValue()).isEqualTo(128);
        assertThat(body.get("stop"))
                .extracting(JsonNode::textValue)
                .containsExactly("<|prompter|>", "<|assistant|>", "<|system|>", "\n\n", "END");
    }

    @Test
    void leaves_a_random_seed_to_the_server() {
        assertThat(body(Med42ChatRequestParameters.builder().seed(-1).build()).has("seed"))
                .isFalse();
    }
}
