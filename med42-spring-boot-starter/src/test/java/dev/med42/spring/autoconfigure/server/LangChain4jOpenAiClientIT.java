package dev.med42.spring.autoconfigure.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import dev.med42.chat.Disclaimer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A client no one here wrote: LangChain4j's own OpenAI models (langchain4j-open-ai, on the JDK HTTP client, which
 * offers {@code Upgrade: h2c}) pointed at the server, plain and streaming.
 */
class LangChain4jOpenAiClientIT extends ServerIT {
    private final ChatRequest question = ChatRequest.builder()
            .messages(SystemMessage.from("You are a careful clinician."), UserMessage.from("What is a fever?"))
            .maxOutputTokens(8)
            .temperature(0.0)
            .build();

    @Test
    void answers_openai_chat_model_with_usage_and_finish_reason() {
        OpenAiChatModel model = OpenAiChatModel.builder()
                .baseUrl("http://127.0.0.1:" + port + "/v1")
                .apiKey("not-needed")
                .modelName("med42")
                .timeout(Duration.ofSeconds(60))
                .maxRetries(0)
                .build();

        ChatResponse response = model.chat(question);

        assertThat(response.aiMessage().text()).endsWith(Disclaimer.DEFAULT_TEXT);
        assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(8);
        assertThat(response.tokenUsage().inputTokenCount()).isGreaterThan(10);
        assertThat(response.tokenUsage().totalTokenCount())
                .isEqualTo(response.tokenUsage().inputTokenCount() + 8);
        assertThat(response.metadata().id()).startsWith("chatcmpl-");
        assertThat(response.metadata().modelName()).isEqualTo("llama");
    }

    @Test
    void streams_to_openai_streaming_chat_model_with_usage_and_finish_reason() throws Exception {
        OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder()
                .baseUrl("http://127.0.0.1:" + port + "/v1")
                .apiKey("not-needed")
                .modelName("med42")
                .timeout(Duration.ofSeconds(60))
                .build();
        StringBuilder partials = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();

        model.chat(question, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                partials.append(partial);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });

        ChatResponse response = done.get(60, TimeUnit.SECONDS);
        assertThat(response.aiMessage().text()).isEqualTo(partials.toString()).endsWith(Disclaimer.DEFAULT_TEXT);
        assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(8);
        assertThat(response.tokenUsage().inputTokenCount()).isGreaterThan(10);
    }
}
