package dev.med42.langchain4j;

import static dev.langchain4j.model.output.FinishReason.LENGTH;
import static dev.langchain4j.model.output.FinishReason.STOP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.memory.chat.TokenWindowChatMemory;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.Result;
import dev.langchain4j.service.SystemMessage;
import dev.langchain4j.service.TokenStream;
import dev.med42.chat.Disclaimer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Med42 behind LangChain4j's {@code AiServices}, with chat memory, on a real test model. */
class Med42AiServicesIT {

    interface Assistant {
        @SystemMessage("You are a careful clinical assistant. Answer briefly.")
        Result<String> chat(String question);
    }

    interface StreamingAssistant {
        TokenStream chat(String question);
    }

    private final Med42ChatModel model =
            TestModels.chatModel().maxOutputTokens(12).build();

    @Test
    void should_answer_through_an_ai_service_with_the_disclaimer() {
        Assistant assistant =
                AiServices.builder(Assistant.class).chatModel(model).build();

        Result<String> result = assistant.chat("What are the symptoms of diabetes?");

        assertThat(result.content()).endsWith("\n\n" + Disclaimer.DEFAULT_TEXT);
        assertThat(result.tokenUsage().inputTokenCount()).isPositive();
        assertThat(result.tokenUsage().outputTokenCount()).isPositive();
        assertThat(result.finishReason()).isIn(STOP, LENGTH);
        assertThat(result.sources()).isEmpty();
        assertThat(result.toolExecutions()).isEmpty();
    }

    @Test
    void should_remember_three_turns_without_feeding_the_disclaimer_back() {
        ChatMemory memory = MessageWindowChatMemory.withMaxMessages(20);
        Assistant assistant = AiServices.builder(Assistant.class)
                .chatModel(model)
                .chatMemory(memory)
                .build();
        Med42TokenCountEstimator estimator = model.tokenCountEstimator();

        int previousInput = 0;
        for (String question : List.of("What is hypertension?", "How is it treated?", "Which foods help?")) {
            Result<String> result = assistant.chat(question);

            // What was sent: the memory without the answer just added.
            List<ChatMessage> sent =
                    memory.messages().subList(0, memory.messages().size() - 1);
            int input = result.tokenUsage().inputTokenCount();
            assertThat(input).isGreaterThan(previousInput).isEqualTo(estimator.estimateTokenCountInMessages(sent));
            previousInput = input;
        }

        List<ChatMessage> messages = memory.messages();
        assertThat(messages).hasSize(7); // the system message and three questions and answers
        messages.stream()
                .filter(AiMessage.class::isInstance)
                .forEach(answer -> assertThat(((AiMessage) answer).text()).containsOnlyOnce(Disclaimer.DEFAULT_TEXT));
    }

    @Test
    void should_keep_the_history_within_a_token_budget() {
        int budget = 200;
        Med42TokenCountEstimator estimator = model.tokenCountEstimator();
        Assistant assistant = AiServices.builder(Assistant.class)
                .chatModel(model)
                .chatMemory(TokenWindowChatMemory.withMaxTokens(budget, estimator))
                .build();

        for (int turn = 1; turn <= 8; turn++) {
            String question = "Question " + turn + ": what else should I know about asthma?";
            Result<String> result = assistant.chat(question);

            // AiServices sends the memory (within the budget) and then the new question.
            assertThat(result.tokenUsage().inputTokenCount())
                    .isLessThanOrEqualTo(budget + estimator.estimateTokenCountInMessage(UserMessage.from(question)));
        }
    }

    @Test
    void should_stream_through_an_ai_service() throws Exception {
        StreamingAssistant assistant = AiServices.builder(StreamingAssistant.class)
                .streamingChatModel(
                        TestModels.streamingChatModel().maxOutputTokens(8).build())
                .build();
        StringBuilder partials = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();

        assistant
                .chat("What are the symptoms of diabetes?")
                .onPartialResponse(partials::append)
                .onCompleteResponse(done::complete)
                .onError(done::completeExceptionally)
                .start();
        ChatResponse response = done.get(60, TimeUnit.SECONDS);

        assertThat(partials).hasToString(response.aiMessage().text());
        assertThat(response.aiMessage().text()).endsWith(Disclaimer.DEFAULT_TEXT);
    }
}
