package dev.med42.langchain4j;

import static dev.med42.chat.ChatMessage.assistant;
import static dev.med42.chat.ChatMessage.system;
import static dev.med42.chat.ChatMessage.user;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.TokenCountEstimator;
import dev.med42.chat.Disclaimer;
import dev.med42.chat.Med42ChatTemplate;
import dev.med42.model.LlamaModel;
import dev.med42.tokenizer.SentencePieceTokenizer;
import java.util.List;

/**
 * Counts tokens with the model's own tokenizer and the Med42 template, so that a {@code TokenWindowChatMemory}
 * keeps a conversation within the context: a message counts the tokens it adds to a prompt, role markers and
 * end-of-answer token included, and an earlier answer counts without the disclaimer, which is stripped before
 * the prompt is built. A list of messages also counts the begin-of-sequence token and, when it has no system
 * message, the default system prompt. Each turn is measured on its own, so a long conversation may differ from
 * its rendered prompt by a token or so where turns meet.
 *
 * <p>Thread-safe.
 */
public final class Med42TokenCountEstimator implements TokenCountEstimator {
    private final SentencePieceTokenizer tokenizer;
    private final Med42ChatTemplate template;
    private final Med42ChatTemplate bare = new Med42ChatTemplate(""); // no default system prompt
    private final Disclaimer disclaimer;
    private final int bos;
    private final int eos;

    /** For a model used with the model card's system prompt and the default disclaimer. */
    public Med42TokenCountEstimator(LlamaModel model) {
        this(model, new Med42ChatTemplate(), Disclaimer.DEFAULT);
    }

    Med42TokenCountEstimator(LlamaModel model, Med42ChatTemplate template, Disclaimer disclaimer) {
        this.tokenizer = model.tokenizer();
        this.template = template;
        this.disclaimer = disclaimer;
        this.bos = tokenizer.vocabulary().bos().orElse(1);
        this.eos = tokenizer.vocabulary().eos().orElse(2);
    }

    @Override
    public int estimateTokenCountInText(String text) {
        return tokenizer.encode(text, false, false).length;
    }

    /**
     * @throws UnsupportedFeatureException for a message Med42 cannot read (images, tool calls and results)
     */
    @Override
    public int estimateTokenCountInMessage(ChatMessage message) {
        return switch (message) {
            case SystemMessage s -> count(bare, system(s.text()), user("")) - count(bare, user(""));
            case UserMessage u -> count(bare, user(MessageMapper.text(u))) - 1; // less BOS
            case AiMessage a -> {
                String answer = disclaimer.strip(MessageMapper.answer(a));
                // The answer's tokens where it stands, after its question's markers, and the EOS that closes it.
                yield count(bare, user(""), assistant(answer), user(""))
                        - count(bare, user(""), assistant(""), user(""))
                        + 1;
            }
            default -> throw new UnsupportedFeatureException(message.type() + " messages are not supported by Med42");
        };
    }

    @Override
    public int estimateTokenCountInMessages(Iterable<ChatMessage> messages) {
        int count = 1; // BOS
        boolean hasSystem = false;
        for (ChatMessage message : messages) {
            count += estimateTokenCountInMessage(message);
            hasSystem |= message instanceof SystemMessage;
        }
        if (!hasSystem) {
            count += count(template, user("")) - count(bare, user(""));
        }
        return count;
    }

    private int count(Med42ChatTemplate template, dev.med42.chat.ChatMessage... conversation) {
        return template.render(List.of(conversation))
                .toTokens((text, special) -> tokenizer.encode(text, false, special), bos, eos)
                .length;
    }
}
