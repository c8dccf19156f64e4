package dev.med42.langchain4j;

import static dev.langchain4j.model.output.FinishReason.LENGTH;
import static dev.langchain4j.model.output.FinishReason.STOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;

import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.med42.chat.Disclaimer;
import dev.med42.chat.Disclaimer.Position;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The streaming model on a real test model: partial responses, the disclaimer, exactly one completion or error,
 * cancellation, and the handler-exception rules of LangChain4j's shared tests (which need a trained model there).
 */
class Med42StreamingIT {
    private static final String QUESTION = "What are the symptoms of diabetes?";

    private final Med42StreamingChatModel model =
            TestModels.streamingChatModel().build();

    private static ChatRequest request(int maxOutputTokens, String question) {
        return ChatRequest.builder()
                .messages(UserMessage.from(question))
                .parameters(ChatRequestParameters.builder()
                        .maxOutputTokens(maxOutputTokens)
                        .build())
                .build();
    }

    @Test
    void should_stream_the_answer_token_by_token_then_the_disclaimer_then_complete_once() throws Exception {
        StreamRecorder recorder = new StreamRecorder();

        model.chat(request(10, QUESTION), recorder);
        ChatResponse response = recorder.get();

        assertThat(recorder.partials.getLast()).isEqualTo("\n\n" + Disclaimer.DEFAULT_TEXT);
        assertThat(String.join("", recorder.partials))
                .isEqualTo(response.aiMessage().text());
        assertThat(recorder.partials.size() - 1).isBetween(1, 10); // at most one per token, the disclaimer aside
        assertThat(recorder.completions).hasValue(1);
        assertThat(recorder.errors).isEmpty();
        assertThat(recorder.threads).hasSize(1).doesNotContain(Thread.currentThread());

        assertThat(response.metadata()).isExactlyInstanceOf(Med42ChatResponseMetadata.class);
        assertThat(response.id()).isNotBlank();
        assertThat(response.modelName()).isEqualTo(model.modelName());
        assertThat(response.tokenUsage().totalTokenCount())
                .isEqualTo(response.tokenUsage().inputTokenCount()
                        + response.tokenUsage().outputTokenCount());
        if (response.finishReason() == LENGTH) {
            assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(10);
        } else {
            assertThat(response.finishReason()).isEqualTo(STOP);
        }
    }

    @Test
    void should_stream_the_disclaimer_first_when_it_goes_before_the_answer() throws Exception {
        Med42StreamingChatModel before = TestModels.streamingChatModel()
                .disclaimer(new Disclaimer("Not medical advice.", Position.BEFORE_ANSWER))
                .build();
        StreamRecorder recorder = new StreamRecorder();

        before.chat(request(5, QUESTION), recorder);
        ChatResponse response = recorder.get();

        assertThat(recorder.partials.getFirst()).isEqualTo("Not medical advice.\n\n");
        assertThat(String.join("", recorder.partials))
                .isEqualTo(response.aiMessage().text());
    }

    @Test
    void should_stop_a_cancelled_stream_and_give_its_session_back() throws Exception {
        AtomicReference<StreamingHandle> handle = new AtomicReference<>();
        StreamRecorder recorder = new StreamRecorder() {
            @Override
            public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                super.onPartialResponse(partial, context);
                if (partials.size() == 3) {
                    handle.set(context.streamingHandle());
                    context.streamingHandle().cancel();
                }
            }
        };

        model.chat("Tell me a long story about animals", recorder);
        Thread.sleep(2_000);

        assertThat(handle.get().isCancelled()).isTrue();
        assertThat(recorder.partials).hasSize(3);
        assertThat(recorder.completions).hasValue(0);
        assertThat(recorder.errors).isEmpty();

        // The only session of the shared pool is free again.
        StreamRecorder next = new StreamRecorder();
        model.chat(request(3, QUESTION), next);
        assertThat(next.get().aiMessage().text()).isNotBlank();
    }

    @Test
    void should_report_a_conversation_that_does_not_fit_once_through_onError() throws Exception {
        Med42StreamingChatModel small = Med42StreamingChatModel.builder()
                .model(TestModels.shared())
                .contextSize(16)
                .build();
        StreamRecorder recorder = new StreamRecorder();

        small.chat(QUESTION, recorder);

        assertThat(recorder.error.get(10, TimeUnit.SECONDS))
                .isExactlyInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("context of 16 tokens");
        Thread.sleep(200);
        assertThat(recorder.errors).hasSize(1);
        assertThat(recorder.partials).isEmpty();
        assertThat(recorder.completions).hasValue(0);
    }

    @Test
    void should_refuse_an_unsupported_feature_on_the_callers_thread() {
        StreamRecorder recorder = new StreamRecorder();
        UserMessage image = UserMessage.from(TextContent.from("Look:"), ImageContent.from("https://example.com/x.png"));

        assertThatThrownBy(() -> model.chat(List.of(image), recorder))
                .isExactlyInstanceOf(UnsupportedFeatureException.class);
        assertThat(recorder.partials).isEmpty();
        assertThat(recorder.errors).isEmpty();
    }

    @Test
    void should_pass_each_exception_from_onPartialResponse_to_onError_and_still_complete() throws Exception {
        RuntimeException failure = new RuntimeException("something wrong happened in user code");
        ChatModelListener listener = mock(ChatModelListener.class);
        Med42StreamingChatModel observed =
                TestModels.streamingChatModel().listeners(List.of(listener)).build();
        StreamRecorder recorder = new StreamRecorder() {
            @Override
            public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                super.onPartialResponse(partial, context);
                throw failure;
            }
        };

        observed.chat(request(5, QUESTION), recorder);
        recorder.get();

        assertThat(recorder.partials).isNotEmpty();
        assertThat(recorder.errors).hasSize(recorder.partials.size()).containsOnly(failure);
        assertThat(recorder.completions).hasValue(1);
        verify(listener).onRequest(any());
        verify(listener, times(recorder.partials.size())).onError(any());
        verify(listener).onResponse(any());
        verifyNoMoreInteractions(listener);
    }

    @Test
    void should_pass_an_exception_from_onCompleteResponse_to_onError_once() throws Exception {
        RuntimeException failure = new RuntimeException("something wrong happened in user code");
        StreamRecorder recorder = new StreamRecorder() {
            @Override
            public void onCompleteResponse(ChatResponse completeResponse) {
                super.onCompleteResponse(completeResponse);
                throw failure;
            }
        };

        model.chat(request(5, QUESTION), recorder);

        assertThat(recorder.error.get(60, TimeUnit.SECONDS)).isSameAs(failure);
        Thread.sleep(200);
        assertThat(recorder.errors).hasSize(1);
        assertThat(recorder.completions).hasValue(1);
    }

    @Test
    void should_ignore_an_exception_from_onError() throws Exception {
        StreamRecorder recorder = new StreamRecorder() {
            @Override
            public void onCompleteResponse(ChatResponse completeResponse) {
                super.onCompleteResponse(completeResponse);
                throw new RuntimeException("to make onError run");
            }

            @Override
            public void onError(Throwable e) {
                super.onError(e);
                throw new RuntimeException("something unexpected happened, but it should be ignored");
            }
        };

        model.chat(request(5, QUESTION), recorder);

        assertThat(recorder.error.get(60, TimeUnit.SECONDS)).hasMessage("to make onError run");
        Thread.sleep(200);
        assertThat(recorder.errors).hasSize(1);

        StreamRecorder next = new StreamRecorder(); // the model still works
        model.chat(request(3, QUESTION), next);
        assertThat(next.get().aiMessage().text()).isNotBlank();
    }
}
