package dev.med42.spring.autoconfigure.server;

import dev.med42.generate.GenerationOptions;
import dev.med42.sampling.SamplingParameters;
import dev.med42.spring.autoconfigure.Med42Properties;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoublePredicate;
import tools.jackson.databind.JsonNode;

/**
 * The sampler and stop parameters that chat and text completions share, as sent (null when absent), and their
 * mapping onto the generation: absent ones take the {@code med42.generation.*} defaults, as in the LangChain4j
 * adapter. A value out of range is a 400 naming the parameter, never a 500. {@code top_k} is off at 0, and at -1 as
 * in vLLM (which refuses 0) and llama.cpp.
 */
record SamplingRequest(
        Double temperature,
        Double topP,
        Integer topK,
        Double minP,
        Double repeatPenalty,
        Integer repeatLastN,
        Double frequencyPenalty,
        Double presencePenalty,
        Long seed,
        JsonNode stop) {

    private static final String AT_LEAST_0 = "a number of at least 0";
    private static final String FROM_0_TO_1 = "a number from 0 to 1";

    /**
     * @param maxTokens the token limit; -1 for none but the context
     * @param alwaysStop stop strings added to the request's own (the chat template's role markers)
     */
    GenerationOptions toOptions(Med42Properties.Generation defaults, int maxTokens, List<String> alwaysStop) {
        SamplingParameters sampling = SamplingParameters.DEFAULTS
                .withTemperature(value("temperature", temperature, defaults.getTemperature(), v -> v >= 0, AT_LEAST_0))
                .withTopP(value("top_p", topP, defaults.getTopP(), v -> v >= 0 && v <= 1, FROM_0_TO_1))
                .withTopK(topK == null ? defaults.getTopK() : Math.max(0, atLeast("top_k", topK, -1)))
                .withMinP(value("min_p", minP, defaults.getMinP(), v -> v >= 0 && v <= 1, FROM_0_TO_1))
                .withRepeatPenalty(value(
                        "repeat_penalty", repeatPenalty, defaults.getRepeatPenalty(), v -> v > 0, "a number above 0"))
                .withFrequencyPenalty(value("frequency_penalty", frequencyPenalty, 0.0, v -> true, "a number"))
                .withPresencePenalty(value("presence_penalty", presencePenalty, 0.0, v -> true, "a number"));
        if (repeatLastN != null) {
            sampling = sampling.withRepeatLastN(atLeast("repeat_last_n", repeatLastN, -1));
        }
        if (seed != null) {
            if (seed < -1 || seed > 0xFFFFFFFFL) {
                throw ApiException.invalidRequest("seed", "seed must be between 0 and 4294967295 (or -1 for random)");
            }
            sampling = sampling.withSeed(seed);
        } else if (defaults.getSeed() != null) {
            sampling = sampling.withSeed(defaults.getSeed());
        }
        List<String> stops = new ArrayList<>(alwaysStop);
        stops.addAll(stops());
        return new GenerationOptions(sampling, maxTokens, stops);
    }

    /** {@code stop}: absent, a string, or an array of strings; none may be empty. */
    private List<String> stops() {
        List<String> stops = new ArrayList<>();
        if (stop == null || stop.isNull()) {
            return stops;
        }
        if (stop.isString()) {
            stops.add(stop.stringValue());
        } else if (stop.isArray()) {
            for (JsonNode item : stop) {
                if (!item.isString()) {
                    throw ApiException.invalidRequest("stop", "stop must be a string or an array of strings");
                }
                stops.add(item.stringValue());
            }
        } else {
            throw ApiException.invalidRequest("stop", "stop must be a string or an array of strings");
        }
        if (stops.stream().anyMatch(String::isEmpty)) {
            throw ApiException.invalidRequest("stop", "stop strings must not be empty");
        }
        return stops;
    }

    private static double value(String name, Double given, double fallback, DoublePredicate valid, String what) {
        if (given == null) {
            return fallback;
        }
        if (!Double.isFinite(given) || !valid.test(given)) {
            throw ApiException.invalidRequest(name, name + " must be " + what + ", got " + given);
        }
        return given;
    }

    private static int atLeast(String name, int given, int min) {
        if (given < min) {
            throw ApiException.invalidRequest(name, name + " must be at least " + min + ", got " + given);
        }
        return given;
    }
}
