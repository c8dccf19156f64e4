package dev.med42.langchain4j;

import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.common.AbstractChatModelListenerIT;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import java.util.List;

/** LangChain4j's shared tests for the listeners of a {@link ChatModel}, on a real test model. */
class Med42ChatModelListenerIT extends AbstractChatModelListenerIT {

    @Override
    protected ChatModel createModel(ChatModelListener listener) {
        return TestModels.chatModel()
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
    protected ChatModel createFailingModel(ChatModelListener listener) {
        return Med42ChatModel.builder()
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
