package dev.med42.spring.autoconfigure.server;

import dev.med42.chat.ChatMessage;
import dev.med42.chat.ChatMessage.Role;
import dev.med42.chat.Disclaimer;
import dev.med42.chat.Med42ChatTemplate;
import dev.med42.tokenizer.SentencePieceTokenizer;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * OpenAI chat messages as the Med42 prompt, by the LangChain4j adapter's rules: system (and {@code developer})
 * messages form the one system prompt, a blank line apart; consecutive messages of one role become one turn;
 * answers before the first question are dropped; the disclaimer is stripped from earlier answers; the conversation
 * must end with the user. Content is a string or an array of text parts; anything else (images, audio, tool calls
 * and results) is a 400, since Med42 reads text only.
 */
final class ChatPrompt {
    private static final String JOIN = "\n\n";

    private final Med42ChatTemplate template;
    private final Disclaimer disclaimer;

    ChatPrompt(Med42ChatTemplate template, Disclaimer disclaimer) {
        this.template = template;
        this.disclaimer = disclaimer;
    }

    /** The prompt's token ids, BOS first. */
    int[] tokens(List<ChatApi.Message> messages, SentencePieceTokenizer tokenizer) {
        return template.render(conversation(messages))
                .toTokens(
                        (text, special) -> tokenizer.encode(text, false, special),
                        tokenizer.vocabulary().bos().orElse(1),
                        tokenizer.vocabulary().eos().orElse(2));
    }

    List<ChatMessage> conversation(List<ChatApi.Message> messages) {
        if (messages == null || messages.isEmpty()) {
            throw ApiException.invalidRequest("messages", "messages must hold at least one message");
        }
        StringBuilder system = null;
        List<ChatMessage> turns = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            ChatApi.Message message = messages.get(i);
            String param = "messages[" + i + "]";
            if (message == null || message.role() == null) {
                throw ApiException.invalidRequest(param + ".role", "every message needs a role");
            }
            switch (message.role()) {
                case "system", "developer" -> {
                    String text = text(message.content(), param);
                    system = system == null
                            ? new StringBuilder(text)
                            : system.append(JOIN).append(text);
                }
                case "user" -> add(turns, Role.USER, text(message.content(), param));
                case "assistant" -> add(turns, Role.ASSISTANT, disclaimer.strip(text(message.content(), param)));
                case "tool", "function" ->
                    throw ApiException.invalidRequest(
                            param + ".role", message.role() + " messages are not supported: Med42 cannot call tools");
                default ->
                    throw ApiException.invalidRequest(
                            param + ".role",
                            "unknown role '" + message.role() + "': expected system, developer, user or assistant");
            }
        }
        while (!turns.isEmpty() && turns.getFirst().role() == Role.ASSISTANT) {
            turns.removeFirst();
        }
        if (turns.isEmpty() || turns.getLast().role() != Role.USER) {
            throw ApiException.invalidRequest(
                    "messages", "the last message must be the user's: Med42 answers the user");
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

    /** A string, or the text parts of an array joined by line breaks; null (an answer with tool calls) is refused. */
    private static String text(JsonNode content, String param) {
        if (content == null || content.isNull()) {
            throw ApiException.invalidRequest(param + ".content", "content must be text: Med42 cannot call tools");
        }
        if (content.isString()) {
            return content.stringValue();
        }
        if (!content.isArray()) {
            throw ApiException.invalidRequest(
                    param + ".content", "content must be a string or an array of content parts");
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode part : content) {
            String type = part.path("type").asString("");
            if (!type.equals("text") || !part.path("text").isString()) {
                throw ApiException.invalidRequest(
                        param + ".content",
                        (type.isEmpty() ? "untyped" : type)
                                + " content is not supported by Med42: it is a text-only model");
            }
            parts.add(part.path("text").stringValue());
        }
        return String.join("\n", parts);
    }
}
