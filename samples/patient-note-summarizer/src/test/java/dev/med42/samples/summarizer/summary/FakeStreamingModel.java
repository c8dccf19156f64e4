package dev.med42.samples.summarizer.summary;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.med42.chat.Disclaimer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A streaming chat model that answers each request with scripted text, streamed word by word from a thread of its
 * own as Med42's does (the disclaimer, if any, as a partial response of its own, and in the complete answer), and
 * remembers the requests it was sent.
 */
final class FakeStreamingModel implements StreamingChatModel {
    final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
    volatile boolean cancelled;
    private final Function<ChatRequest, String> answers;
    private final Disclaimer disclaimer;

    FakeStreamingModel(Function<ChatRequest, String> answers) {
        this(answers, Disclaimer.OFF);
    }

    FakeStreamingModel(Function<ChatRequest, String> answers, Disclaimer disclaimer) {
        this.answers = answers;
        this.disclaimer = disclaimer;
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        requests.add(request);
        Thread.ofPlatform().daemon().start(() -> {
            String answer;
            try {
                answer = answers.apply(request);
            } catch (RuntimeException e) {
                handler.onError(e);
                return;
            }
            StreamingHandle handle = new StreamingHandle() {
                @Override
                public void cancel() {
                    cancelled = true;
                }

                @Override
                public boolean isCancelled() {
                    return cancelled;
                }
            };
            List<String> pieces = new ArrayList<>();
            pieces.add(disclaimer.opening());
            pieces.addAll(List.of(answer.split("(?<= )")));
            pieces.add(disclaimer.closing());
            for (String piece : pieces) {
                if (cancelled) {
                    return; // as Med42's: no callback after a cancel
                }
                if (!piece.isEmpty()) {
                    handler.onPartialResponse(new PartialResponse(piece), new PartialResponseContext(handle));
                }
            }
            handler.onCompleteResponse(ChatResponse.builder()
                    .aiMessage(AiMessage.from(disclaimer.apply(answer)))
                    .build());
        });
    }
}
