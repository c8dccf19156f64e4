package dev.med42.langchain4j;

import static dev.med42.langchain4j.SkipSharedTest.NEEDS_TRAINED_MODEL;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.service.common.AbstractAiServiceIT;
import java.util.List;

/** LangChain4j's shared tests for a {@link ChatModel} behind {@code AiServices}, on a real test model. */
@SkipSharedTest(value = "should_answer_simple_question", reason = NEEDS_TRAINED_MODEL)
class Med42AiServiceIT extends AbstractAiServiceIT {

    @Override
    protected List<ChatModel> models() {
        return List.of(TestModels.chatModel().build());
    }

    @Override
    protected boolean supportsTools() {
        return false;
    }

    @Override
    protected boolean supportsJsonResponseFormatWithSchema() {
        return false;
    }
}
