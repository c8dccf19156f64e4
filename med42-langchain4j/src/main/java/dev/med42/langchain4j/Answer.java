package dev.med42.langchain4j;

import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import dev.med42.generate.Timings;

/**
 * What an engine generated for one request, before the chat model strips the leading space and adds the disclaimer.
 *
 * @param id the response id: the server's, or a random one
 * @param modelName the model that answered
 * @param text the answer as generated
 * @param tokenUsage the prompt and generated tokens, or null when a server does not say
 * @param finishReason why the answer ended
 * @param timings how long prompt and generation took, or null when unknown
 */
record Answer(
        String id, String modelName, String text, TokenUsage tokenUsage, FinishReason finishReason, Timings timings) {}
