package dev.med42.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;

/**
 * Med42 as a LangChain4j {@link ChatModel}, running in this JVM or on a remote server (see the builder's {@code
 * baseUrl}). Every answer carries the configured safety disclaimer. Requests go through {@link ChatModel#chat(ChatRequest)}, which merges them with {@link
 * #defaultRequestParameters()} and notifies the listeners; this class implements {@link #doChat}.
 *
 * <pre>{@code
 * try (Med42ChatModel model = Med42ChatModel.builder().modelPath(Path.of("med42-70b.Q4_K_M.gguf")).build()) {
 *     String answer = model.chat("What are the symptoms of diabetes?");
 * }
 * }</pre>
 *
 * <p>Thread-safe: calls wait for a free session (see the builder's maxSessions). Close it to free its sessions and,
 * when it loaded the model itself, the model; or, for a remote server, to abandon the requests in flight.
 */
public class Med42ChatModel extends Med42BaseChatModel implements ChatModel {

    private Med42ChatModel(Builder builder) {
        super(builder);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        PreparedRequest prepared = prepare(request);
        Answer answer = generate(prepared, piece -> {}, new CancelSignal());
        // The first piece of an answer starts with SentencePiece's word-start space: not part of the answer.
        return response(answer.text().stripLeading(), answer);
    }

    public static class Builder extends Med42BaseChatModel.Builder<Med42ChatModel, Builder> {
        @Override
        public Med42ChatModel build() {
            return new Med42ChatModel(this);
        }
    }
}
