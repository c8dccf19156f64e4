package dev.med42.langchain4j;

import static dev.langchain4j.model.output.FinishReason.LENGTH;
import static dev.langchain4j.model.output.FinishReason.STOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import dev.med42.chat.Disclaimer;
import dev.med42.chat.Disclaimer.Position;
import dev.med42.generate.SessionPool;
import dev.med42.model.KVCacheType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The blocking model on a real test model: answers, metadata, the disclaimer, memory, limits and threads. */
class Med42ChatIT {
    private static final String QUESTION = "What are the symptoms of diabetes?";
    private static final String CLOSING = "\n\n" + Disclaimer.DEFAULT_TEXT;

    private final Med42ChatModel model = TestModels.chatModel().build();

    private static ChatRequest request(int maxOutputTokens, ChatMessage... messages) {
        return ChatRequest.builder()
                .messages(messages)
                .parameters(ChatRequestParameters.builder()
                        .maxOutputTokens(maxOutputTokens)
                        .build())
                .build();
    }

    @Test
    void should_answer_with_the_disclaimer_after_the_text_and_complete_metadata() {
        ChatResponse response = model.chat(request(20, UserMessage.from(QUESTION)));

        String text = response.aiMessage().text();
        assertThat(text).endsWith(CLOSING);
        String answer = text.substring(0, text.length() - CLOSING.length());
        assertThat(answer).isNotBlank().doesNotStartWith(" ");
        assertThat(response.aiMessage().toolExecutionRequests()).isEmpty();

        assertThat(response.metadata()).isExactlyInstanceOf(Med42ChatResponseMetadata.class);
        Med42ChatResponseMetadata metadata = (Med42ChatResponseMetadata) response.metadata();
        assertThat(metadata.id()).isNotBlank();
        assertThat(metadata.modelName()).isEqualTo(model.modelName());
        assertThat(metadata.disclaimer()).isEqualTo(Disclaimer.DEFAULT_TEXT);
        TokenUsage usage = metadata.tokenUsage();
        assertThat(usage.inputTokenCount())
                .isEqualTo(
                        model.tokenCountEstimator().estimateTokenCountInMessages(List.of(UserMessage.from(QUESTION))));
        assertThat(usage.totalTokenCount()).isEqualTo(usage.inputTokenCount() + usage.outputTokenCount());
        if (metadata.finishReason() == LENGTH) {
            assertThat(usage.outputTokenCount()).isEqualTo(20);
        } else {
            assertThat(metadata.finishReason()).isEqualTo(STOP);
            assertThat(usage.outputTokenCount()).isLessThan(20);
        }
    }

    @Test
    void should_answer_until_the_end_of_sequence_or_a_full_context_without_a_limit() {
        ChatResponse response = model.chat(UserMessage.from(QUESTION));

        TokenUsage usage = response.tokenUsage();
        assertThat(response.finishReason()).isIn(STOP, LENGTH);
        if (response.finishReason() == LENGTH) { // the context filled up
            assertThat(usage.totalTokenCount()).isGreaterThanOrEqualTo(model.contextSize());
        }
    }

    @Test
    void should_put_the_disclaimer_where_it_is_configured() {
        Disclaimer note = new Disclaimer("Not medical advice.", Position.BEFORE_ANSWER);
        ChatRequest request = request(5, UserMessage.from(QUESTION));

        String before = TestModels.chatModel()
                .disclaimer(note)
                .build()
                .chat(request)
                .aiMessage()
                .text();
        ChatResponse metadataOnly = TestModels.chatModel()
                .disclaimer(note.withPosition(Position.METADATA_ONLY))
                .build()
                .chat(request);
        ChatResponse off =
                TestModels.chatModel().disclaimer(Disclaimer.OFF).build().chat(request);

        assertThat(before).startsWith("Not medical advice.\n\n").hasSizeGreaterThan("Not medical advice.\n\n".length());
        assertThat(metadataOnly.aiMessage().text()).doesNotContain("Not medical advice.");
        assertThat(((Med42ChatResponseMetadata) metadataOnly.metadata()).disclaimer())
                .isEqualTo("Not medical advice.");
        assertThat(off.aiMessage().text()).doesNotContain("Not medical advice.");
        assertThat(((Med42ChatResponseMetadata) off.metadata()).disclaimer()).isNull();
    }

    @Test
    void should_keep_the_disclaimer_of_an_earlier_answer_out_of_the_prompt() {
        Med42ChatModel greedy = TestModels.chatModel().temperature(0.0).build();
        AiMessage shown = AiMessage.from(Disclaimer.DEFAULT.apply("Thirst and frequent urination."));
        AiMessage bare = AiMessage.from("Thirst and frequent urination.");
        UserMessage followUp = UserMessage.from("And how is it treated?");

        ChatResponse withDisclaimer = greedy.chat(request(8, UserMessage.from(QUESTION), shown, followUp));
        ChatResponse without = greedy.chat(request(8, UserMessage.from(QUESTION), bare, followUp));

        assertThat(withDisclaimer.tokenUsage().inputTokenCount())
                .isEqualTo(without.tokenUsage().inputTokenCount());
        assertThat(withDisclaimer.aiMessage().text())
                .isEqualTo(without.aiMessage().text());
    }

    @Test
    void should_carry_a_conversation_over_three_turns_without_piling_up_disclaimers() {
        List<ChatMessage> memory = new ArrayList<>();
        int previousInput = 0;
        for (String question : List.of(QUESTION, "How is it diagnosed?", "What should I eat?")) {
            memory.add(UserMessage.from(question));
            ChatResponse response = model.chat(request(12, memory.toArray(ChatMessage[]::new)));
            memory.add(response.aiMessage());

            int input = response.tokenUsage().inputTokenCount();
            assertThat(input).isGreaterThan(previousInput);
            assertThat(input)
                    .isEqualTo(model.tokenCountEstimator()
                            .estimateTokenCountInMessages(memory.subList(0, memory.size() - 1)));
            previousInput = input;
        }

        assertThat(memory).hasSize(6);
        for (ChatMessage message : memory) {
            if (message instanceof AiMessage answer) {
                assertThat(answer.text()).containsOnlyOnce(Disclaimer.DEFAULT_TEXT);
            }
        }
    }

    @Test
    void should_end_the_answer_before_a_stop_sequence() {
        Med42ChatModel greedy = TestModels.chatModel()
                .temperature(0.0)
                .disclaimer(Disclaimer.OFF)
                .build();
        String free =
                greedy.chat(request(24, UserMessage.from(QUESTION))).aiMessage().text();
        assertThat(free.strip()).hasSizeGreaterThan(6);
        String stop = free.substring(free.length() / 2, free.length() / 2 + 3);

        ChatResponse stopped = greedy.chat(ChatRequest.builder()
                .messages(UserMessage.from(QUESTION))
                .parameters(ChatRequestParameters.builder()
                        .maxOutputTokens(24)
                        .stopSequences(stop)
                        .build())
                .build());

        assertThat(stopped.aiMessage().text()).isEqualTo(free.substring(0, free.indexOf(stop)));
        assertThat(stopped.finishReason()).isEqualTo(STOP);
        assertThat(stopped.tokenUsage().outputTokenCount()).isLessThan(24);
    }

    @Test
    void should_name_the_sizes_when_the_conversation_does_not_fit_the_context() {
        Med42ChatModel small = Med42ChatModel.builder()
                .model(TestModels.shared())
                .contextSize(64)
                .build();

        assertThatThrownBy(() -> small.chat(QUESTION + " ".repeat(10) + QUESTION))
                .isExactlyInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("tokens, which leaves no room for an answer in the context of 64 tokens")
                .hasMessageContaining("contextSize");
    }

    @Test
    void should_repeat_an_answer_with_the_same_seed() {
        Med42ChatModel seeded = TestModels.chatModel().seed(42).build();

        String first =
                seeded.chat(request(16, UserMessage.from(QUESTION))).aiMessage().text();
        String second =
                seeded.chat(request(16, UserMessage.from(QUESTION))).aiMessage().text();

        assertThat(second).isEqualTo(first);
    }

    @Test
    void should_serve_concurrent_callers_on_one_instance_each_with_its_own_answer() throws Exception {
        List<String> questions = List.of(
                QUESTION,
                "What is hypertension?",
                "How do vaccines work?",
                "What causes migraines?",
                "Is fever dangerous?",
                "What is a normal heart rate?");
        try (SessionPool pool = new SessionPool(TestModels.shared(), 2, TestModels.CONTEXT_SIZE, KVCacheType.F16)) {
            Med42ChatModel shared = Med42ChatModel.builder()
                    .sessionPool(pool)
                    .temperature(0.0)
                    .maxOutputTokens(16)
                    .build();
            List<String> alone = new ArrayList<>();
            for (String question : questions) {
                alone.add(shared.chat(question));
            }

            List<Callable<String>> calls = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                questions.forEach(question -> calls.add(() -> shared.chat(question)));
            }
            List<String> together = new ArrayList<>();
            try (ExecutorService threads = Executors.newFixedThreadPool(4)) {
                for (Future<String> answer : threads.invokeAll(calls)) {
                    together.add(answer.get());
                }
            }

            assertThat(together).containsExactlyElementsOf(concat(alone, alone));
            assertThat(pool.sessions()).isEqualTo(2);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
