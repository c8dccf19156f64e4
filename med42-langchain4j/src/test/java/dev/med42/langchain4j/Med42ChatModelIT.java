package dev.med42.langchain4j;

import static dev.med42.langchain4j.SkipSharedTest.NEEDS_TRAINED_MODEL;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.common.AbstractChatModelIT;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import java.util.List;

/** LangChain4j's shared tests for every {@link ChatModel}, on a real test model. */
@SkipSharedTest(value = "should_respect_user_message", reason = NEEDS_TRAINED_MODEL)
@SkipSharedTest(value = "should_respect_system_message", reason = NEEDS_TRAINED_MODEL)
@SkipSharedTest(value = "should_respect_multiple_messages", reason = NEEDS_TRAINED_MODEL)
@SkipSharedTest(value = "should_respect_stopSequences_in_chat_request", reason = NEEDS_TRAINED_MODEL)
@SkipSharedTest(value = "should_respect_stopSequences_in_default_model_parameters", reason = NEEDS_TRAINED_MODEL)
class Med42ChatModelIT extends AbstractChatModelIT {
    @Override
    protected List<ChatModel> models() {
        return List.of(TestModels.chatModel().build());
    }

    @Override
    protected ChatModel createModelWith(ChatRequestParameters parameters) {
        return TestModels.chatModel().defaultRequestParameters(parameters).build();
    }

    @Override
    protected ChatRequestParameters createIntegrationSpecificParameters(int maxOutputTokens) {
        return Med42ChatRequestParameters.builder()
                .maxOutputTokens(maxOutputTokens)
                .build();
    }

    @Override
    protected Class<? extends ChatResponseMetadata> chatResponseMetadataType(ChatModel model) {
        return Med42ChatResponseMetadata.class;
    }

    // One model file per instance: the request cannot pick another.
    @Override
    protected boolean supportsModelNameParameter() {
        return false;
    }

    @Override
    protected boolean supportsTools() {
        return false;
    }

    @Override
    protected boolean supportsToolChoiceRequired() {
        return false;
    }

    @Override
    protected boolean supportsJsonResponseFormat() {
        return false;
    }

    @Override
    protected boolean supportsJsonResponseFormatWithSchema() {
        return false;
    }

    @Override
    protected boolean supportsJsonResponseFormatWithRawSchema() {
        return false;
    }

    @Override
    protected boolean supportsSingleImageInputAsBase64EncodedString() {
        return false;
    }

    @Override
    protected boolean supportsSingleImageInputAsPublicURL() {
        return false;
    }
}
