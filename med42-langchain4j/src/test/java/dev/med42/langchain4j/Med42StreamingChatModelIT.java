package dev.med42.langchain4j;

import static dev.med42.langchain4j.SkipSharedTest.COUNTS_DISCLAIMER_AS_TOKEN;
import static dev.med42.langchain4j.SkipSharedTest.NEEDS_TRAINED_MODEL;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.common.AbstractStreamingChatModelIT;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import java.util.List;

/** LangChain4j's shared tests for every {@link StreamingChatModel}, on a real test model. */
@SkipSharedTest(value = "should_respect_user_message", reason = NEEDS_TRAINED_MODEL)
@SkipSharedTest(value = "should_respect_system_message", reason = NEEDS_TRAINED_MODEL)
@SkipSharedTest(value = "should_respect_multiple_messages", reason = NEEDS_TRAINED_MODEL)
@SkipSharedTest(value = "should_respect_stopSequences_in_chat_request", reason = NEEDS_TRAINED_MODEL)
@SkipSharedTest(value = "should_respect_stopSequences_in_default_model_parameters", reason = NEEDS_TRAINED_MODEL)
@SkipSharedTest(value = "should_propagate_user_exceptions_thrown_from_onPartialResponse", reason = NEEDS_TRAINED_MODEL)
@SkipSharedTest(value = "should_propagate_user_exceptions_thrown_from_onCompleteResponse", reason = NEEDS_TRAINED_MODEL)
@SkipSharedTest(value = "should_ignore_user_exceptions_thrown_from_onError", reason = NEEDS_TRAINED_MODEL)
@SkipSharedTest(value = "should_respect_maxOutputTokens_in_chat_request", reason = COUNTS_DISCLAIMER_AS_TOKEN)
@SkipSharedTest(
        value = "should_respect_maxOutputTokens_in_default_model_parameters",
        reason = COUNTS_DISCLAIMER_AS_TOKEN)
class Med42StreamingChatModelIT extends AbstractStreamingChatModelIT {
    @Override
    protected List<StreamingChatModel> models() {
        return List.of(TestModels.streamingChatModel().build());
    }

    @Override
    public StreamingChatModel createModelWith(ChatRequestParameters parameters) {
        return TestModels.streamingChatModel()
                .defaultRequestParameters(parameters)
                .build();
    }

    @Override
    public StreamingChatModel createModelWith(ChatModelListener listener) {
        return TestModels.streamingChatModel().listeners(List.of(listener)).build();
    }

    @Override
    protected ChatRequestParameters createIntegrationSpecificParameters(int maxOutputTokens) {
        return Med42ChatRequestParameters.builder()
                .maxOutputTokens(maxOutputTokens)
                .build();
    }

    @Override
    protected Class<? extends ChatResponseMetadata> chatResponseMetadataType(StreamingChatModel model) {
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
