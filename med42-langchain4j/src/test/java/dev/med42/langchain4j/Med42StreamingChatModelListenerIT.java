package dev.med42.langchain4j;

import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.common.AbstractStreamingChatModelListenerIT;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import java.util.List;

/** LangChain4j's shared tests for the listeners of a {@link StreamingChatModel}, on a real test model. */
class Med42StreamingChatModelListenerIT extends AbstractStreamingChatModelListenerIT {

    @Override
    protected StreamingChatModel createModel(ChatModelListener listener) {
        return TestModels.streamingChatModel()
                .temperature(temperature())
                .topP(topP())
                .maxOutputTokens(maxTokens())
                .listeners(List.of(listener))
                .build();
    }

    @Override
    protected String modelName() {
        return TestModels.chatModel().build().modelName();
    }

    /** A real failure, not a mock: a context too small for the prompt. */
    @Override
    protected StreamingChatModel createFailingModel(ChatModelListener listener) {
        return Med42StreamingChatModel.builder()
                .model(TestModels.shared())
                .contextSize(8)
                .listeners(List.of(listener))
                .build();
    }

    @Override
    protected Class<? extends Exception> expectedExceptionClass() {
        return InvalidRequestException.class;
    }

    @Override
    protected boolean supportsTools() {
        return false;
    }
}
