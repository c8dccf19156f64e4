package dev.med42.langchain4j;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.med42.chat.ChatMessage;
import dev.med42.chat.ChatMessage.Role;
import dev.med42.chat.Disclaimer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns LangChain4j messages into the conversation that {@link dev.med42.chat.Med42ChatTemplate} renders, which
 * has one optional system prompt and then user and assistant turns taking turns, ending with the user's. The
 * mapping fits what chat memories produce into that shape:
 *
 * <ul>
 *   <li>every {@link SystemMessage} goes into the one system prompt, in order, a blank line apart;
 *   <li>consecutive messages of one role (a question whose answer failed, say) become one turn, a blank line apart;
 *   <li>answers before the first question (left by a memory window that evicted that question) are dropped;
 *   <li>the disclaimer is stripped from earlier answers, so that it never reaches the model.
 * </ul>
 *
 * Role markers in any text are neutralised by the template. Anything the model cannot read (images and other
 * non-text content, tool calls and tool results) is an {@link UnsupportedFeatureException}; a conversation that
 * does not end with the user's message is an {@link InvalidRequestException}.
 */
final class MessageMapper {
    private static final String JOIN = "\n\n";

    private MessageMapper() {}

    static List<ChatMessage> toMed42(List<dev.langchain4j.data.message.ChatMessage> messages, Disclaimer disclaimer) {
        StringBuilder system = null;
        List<ChatMessage> turns = new ArrayList<>();
        for (dev.langchain4j.data.message.ChatMessage message : messages) {
            switch (message) {
                case SystemMessage s ->
                    system = system == null
                            ? new StringBuilder(s.text())
                            : system.append(JOIN).append(s.text());
                case UserMessage u -> add(turns, Role.USER, text(u));
                case AiMessage a -> add(turns, Role.ASSISTANT, disclaimer.strip(answer(a)));
                case ToolExecutionResultMessage t ->
                    throw new UnsupportedFeatureException(
                            "tool results are not supported by Med42: it cannot call tools");
                default ->
                    throw new UnsupportedFeatureException(message.type() + " messages are not supported by Med42");
            }
        }
        while (!turns.isEmpty() && turns.getFirst().role() == Role.ASSISTANT) {
            turns.removeFirst();
        }
        if (turns.isEmpty() || turns.getLast().role() != Role.USER) {
            throw new InvalidRequestException("the last message must be a UserMessage: Med42 answers the user, got "
                    + (messages.isEmpty() ? "no messages" : messages.getLast().type()));
        }
        if (system != null) {
            turns.addFirst(ChatMessage.system(system.toString()));
        }
        return turns;
    }

    private static void add(List<ChatMessage> turns, Role role, String text) {
        if (!turns.isEmpty() && turns.getLast().role() == role) {
            text = turns.removeLast().text() + JOIN + text;
        }
        turns.add(new ChatMessage(role, text));
    }

    /** The text of a user message; any other kind of content is refused, since Med42 reads text only. */
    static String text(UserMessage message) {
        List<String> parts = new ArrayList<>();
        for (Content content : message.contents()) {
            if (!(content instanceof TextContent t)) {
                throw new UnsupportedFeatureException(content.type().name().toLowerCase(Locale.ROOT)
                        + " content is not supported by Med42: it is a text-only model");
            }
            parts.add(t.text());
        }
        return String.join("\n", parts);
    }

    /** The text of an earlier answer; answers that called tools cannot come from this model. */
    static String answer(AiMessage message) {
        if (message.hasToolExecutionRequests()) {
            throw new UnsupportedFeatureException("tool calls are not supported by Med42: it cannot call tools");
        }
        return message.text() == null ? "" : message.text();
    }
}
