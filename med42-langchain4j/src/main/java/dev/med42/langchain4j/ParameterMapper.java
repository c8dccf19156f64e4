package dev.med42.langchain4j;

import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.med42.chat.Med42ChatTemplate;
import dev.med42.generate.GenerationOptions;
import dev.med42.sampling.SamplingParameters;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps LangChain4j request parameters onto the Med42 sampler and generation loop, and refuses what the model
 * cannot do with LangChain4j's {@link UnsupportedFeatureException}, never silently.
 */
final class ParameterMapper {

    /** The model card's llama.cpp example: temperature 0.7 and repeat penalty 1.1, llama.cpp's defaults otherwise. */
    static final SamplingParameters MODEL_CARD_SAMPLING = SamplingParameters.MED42_MODEL_CARD;

    private ParameterMapper() {}

    /**
     * Refuses tools, a required tool choice, JSON output and another model's name. The tool choice is checked before
     * the tools, so that a request with both names the choice (as LangChain4j's shared tests expect).
     */
    static void validate(ChatRequestParameters parameters, String modelName) {
        if (parameters.toolChoice() == ToolChoice.REQUIRED) {
            throw new UnsupportedFeatureException(
                    "ToolChoice.REQUIRED is not supported by Med42: it cannot call tools");
        }
        if (parameters.toolSpecifications() != null
                && !parameters.toolSpecifications().isEmpty()) {
            throw new UnsupportedFeatureException("tools are not supported by Med42: it cannot call tools");
        }
        ResponseFormat format = parameters.responseFormat();
        if (format != null && format.type() == ResponseFormatType.JSON) {
            throw new UnsupportedFeatureException("JSON response format"
                    + (format.jsonSchema() != null ? " with a schema" : "")
                    + " is not supported by Med42: it cannot constrain its output");
        }
        if (parameters.modelName() != null && !parameters.modelName().equals(modelName)) {
            throw new UnsupportedFeatureException("modelName '" + parameters.modelName()
                    + "' is not supported: this Med42 model runs '" + modelName + "' only");
        }
    }

    /**
     * The sampler settings and stop conditions for a request. A parameter left null takes the model card's value.
     *
     * @throws IllegalArgumentException for a value outside its range (the message names the parameter)
     */
    static GenerationOptions toGenerationOptions(ChatRequestParameters parameters) {
        SamplingParameters sampling = MODEL_CARD_SAMPLING;
        if (parameters.temperature() != null) {
            sampling = sampling.withTemperature(parameters.temperature());
        }
        if (parameters.topP() != null) {
            sampling = sampling.withTopP(parameters.topP());
        }
        if (parameters.topK() != null) {
            sampling = sampling.withTopK(parameters.topK());
        }
        if (parameters.frequencyPenalty() != null) {
            sampling = sampling.withFrequencyPenalty(parameters.frequencyPenalty());
        }
        if (parameters.presencePenalty() != null) {
            sampling = sampling.withPresencePenalty(parameters.presencePenalty());
        }
        if (parameters instanceof Med42ChatRequestParameters med42) {
            if (med42.minP() != null) {
                sampling = sampling.withMinP(med42.minP());
            }
            if (med42.repeatPenalty() != null) {
                sampling = sampling.withRepeatPenalty(med42.repeatPenalty());
            }
            if (med42.repeatLastN() != null) {
                sampling = sampling.withRepeatLastN(med42.repeatLastN());
            }
            if (med42.seed() != null) {
                sampling = sampling.withSeed(med42.seed());
            }
        }
        Integer maxOutputTokens = parameters.maxOutputTokens();
        if (maxOutputTokens != null && maxOutputTokens < 1) {
            throw new IllegalArgumentException("maxOutputTokens must be at least 1, got " + maxOutputTokens);
        }
        // The template's role markers always stop the answer: past them the model writes the next turn itself.
        List<String> stops = new ArrayList<>(Med42ChatTemplate.stopStrings());
        if (parameters.stopSequences() != null) {
            for (String stop : parameters.stopSequences()) {
                if (stop == null || stop.isEmpty()) {
                    throw new IllegalArgumentException("stopSequences cannot hold an empty or null string");
                }
                stops.add(stop);
            }
        }
        return new GenerationOptions(sampling, maxOutputTokens == null ? -1 : maxOutputTokens, stops);
    }
}
