package dev.med42.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.med42.chat.Disclaimer;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A whole application, as a user would build it: the starter, web and actuator, configured by properties alone. It
 * loads a real (tiny) GGUF model, chats and streams through the beans, and reports health and metrics over HTTP.
 */
@SpringBootTest(
        classes = Med42TestApplication.class,
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
            "med42.model.context-size=" + TestModels.CONTEXT_SIZE,
            "med42.generation.max-tokens=16",
            "management.endpoints.web.exposure.include=health,metrics",
            "management.endpoint.health.show-details=always"
        })
class Med42ApplicationIT {
    @DynamicPropertySource
    static void model(DynamicPropertyRegistry registry) {
        registry.add("med42.model.path", () -> TestModels.stories().toString());
    }

    @Autowired
    ChatModel chatModel;

    @Autowired
    StreamingChatModel streamingChatModel;

    @Autowired
    MeterRegistry meters;

    @LocalServerPort
    int port;

    private final ChatRequest question = ChatRequest.builder()
            .messages(UserMessage.from("What are the early signs of sepsis?"))
            .build();

    @Test
    void should_answer_through_the_chat_model_bean_with_the_disclaimer() {
        ChatResponse response = chatModel.chat(question);

        assertThat(response.aiMessage().text()).endsWith("\n\n" + Disclaimer.DEFAULT_TEXT);
        assertThat(response.tokenUsage().outputTokenCount()).isBetween(1, 16);
    }

    @Test
    void should_stream_through_the_streaming_chat_model_bean() throws Exception {
        StringBuilder partials = new StringBuilder();
        CompletableFuture<ChatResponse> complete = new CompletableFuture<>();

        streamingChatModel.chat(question, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                partials.append(partial.text());
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                complete.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                complete.completeExceptionally(error);
            }
        });

        String answer = complete.get(60, TimeUnit.SECONDS).aiMessage().text();
        assertThat(answer).endsWith(Disclaimer.DEFAULT_TEXT);
        assertThat(partials).hasToString(answer);
    }

    @Test
    void should_count_requests_and_tokens() {
        double requests = requestCount();
        double generated = meters.get("med42.tokens.generated").counter().count();

        ChatResponse response = chatModel.chat(question);

        assertThat(requestCount()).isEqualTo(requests + 1);
        assertThat(meters.get("med42.tokens.generated").counter().count())
                .isEqualTo(generated + response.tokenUsage().outputTokenCount());
    }

    @Test
    void should_report_the_model_up_on_the_health_endpoint() throws Exception {
        HttpResponse<String> health = get("/actuator/health/med42");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body())
                .contains("\"status\":\"UP\"")
                .contains("\"quantization\":\"F32\"")
                .contains("\"contextSize\":" + TestModels.CONTEXT_SIZE)
                .contains("\"loaded\":true")
                .contains("stories260K.gguf");
    }

    @Test
    void should_publish_the_metrics_on_the_metrics_endpoint() throws Exception {
        chatModel.chat(question);

        HttpResponse<String> metric = get("/actuator/metrics/med42.requests");

        assertThat(metric.statusCode()).isEqualTo(200);
        assertThat(metric.body()).contains("\"name\":\"med42.requests\"", "\"outcome\"");
    }

    private double requestCount() {
        var timer = meters.find("med42.requests").tag("outcome", "success").timer();
        return timer == null ? 0 : timer.count();
    }

    private HttpResponse<String> get(String path) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }
}
