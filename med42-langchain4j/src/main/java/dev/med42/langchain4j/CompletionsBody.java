package dev.med42.langchain4j;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.med42.generate.GenerationOptions;
import dev.med42.sampling.SamplingParameters;

/**
 * The body of {@code POST /v1/completions} for a rendered prompt, read alike by vLLM, llama.cpp's server and this
 * project's server: OpenAI's fields, and the samplers OpenAI lacks under the names each server reads. Each of them
 * ignores the fields it does not know (vLLM logs them), so every sampler value is sent, and the server answers with
 * the model card's settings rather than its own defaults.
 *
 * <ul>
 *   <li>{@code top_k} 0 (off) is sent as -1, which all three read as off; vLLM refuses 0.
 *   <li>The repeat penalty goes as llama.cpp's {@code repeat_penalty} with {@code repeat_last_n}, and as vLLM's
 *       {@code repetition_penalty}, which has no window: it weighs every token of the prompt and the answer.
 *   <li>No token limit is an explicit {@code "max_tokens": null}: up to the end of the context for vLLM (whose
 *       default is OpenAI's 16) and for llama.cpp's server.
 *   <li>A random seed is no {@code seed}.
 *   <li>Always streamed, with the usage asked for ({@code stream_options.include_usage}).
 * </ul>
 */
final class CompletionsBody {
    private CompletionsBody() {}

    static ObjectNode of(ObjectMapper json, String model, String prompt, GenerationOptions options) {
        SamplingParameters sampling = options.sampling();
        ObjectNode body = json.createObjectNode().put("model", model).put("prompt", prompt);
        if (options.maxTokens() < 0) {
            body.putNull("max_tokens");
        } else {
            body.put("max_tokens", options.maxTokens());
        }
        body.put("temperature", sampling.temperature())
                .put("top_p", sampling.topP())
                .put("top_k", sampling.topK() == 0 ? -1 : sampling.topK())
                .put("min_p", sampling.minP())
                .put("repeat_penalty", sampling.repeatPenalty())
                .put("repeat_last_n", sampling.repeatLastN())
                .put("repetition_penalty", sampling.repeatPenalty())
                .put("frequency_penalty", sampling.frequencyPenalty())
                .put("presence_penalty", sampling.presencePenalty());
        if (sampling.seed() != SamplingParameters.RANDOM_SEED) {
            body.put("seed", sampling.seed());
        }
        options.stopStrings().forEach(body.putArray("stop")::add);
        body.put("stream", true).putObject("stream_options").put("include_usage", true);
        return body;
    }
}
