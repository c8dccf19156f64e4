package dev.med42.chat;

import dev.med42.chat.ChatMessage.Role;
import dev.med42.chat.Prompt.Control;
import dev.med42.chat.Prompt.Segment;
import dev.med42.chat.Prompt.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Renders a conversation into the prompt Med42 expects. The model card (m42-health/med42-70b, and TheBloke's
 * GGUF card) gives one turn:
 *
 * <pre>
 * &lt;|system|&gt;: You are a helpful medical assistant created by M42 Health in the UAE.
 * &lt;|prompter|&gt;:{prompt}
 * &lt;|assistant|&gt;:
 * </pre>
 *
 * that is {@code <s>} then {@code "<|system|>: " + system + "\n<|prompter|>:" + prompt + "\n<|assistant|>:\n"}:
 * a space after the system marker only, none after the other two, and a line break after the last one (the
 * card's prompt string ends with one; its Python example also starts with one, which is left out here as an
 * artefact of the triple-quoted string).
 *
 * <p>Several turns follow the natural extension, since the card shows none: each earlier answer comes right
 * after its {@code <|assistant|>:\n}, is closed by the EOS token as the model closes its answers, and the next
 * {@code <|prompter|>:} follows the EOS directly (the way the first marker follows BOS); BOS comes only at the
 * start:
 *
 * <pre>
 * &lt;s&gt;&lt;|system|&gt;: {system}\n&lt;|prompter|&gt;:{q1}\n&lt;|assistant|&gt;:\n{a1}&lt;/s&gt;&lt;|prompter|&gt;:{q2}\n&lt;|assistant|&gt;:\n
 * </pre>
 *
 * BOS and EOS are {@link Control} segments, never text, and every message (system, user and earlier answers)
 * has its role markers neutralised first: {@code <|prompter|>:} inside a message becomes {@code <prompter>:}
 * (see {@link RoleMarkers} for exactly what is recognised). Without a system message the default system prompt
 * is used; an empty system prompt leaves the system line out.
 *
 * <p>GGUF files may carry a Jinja {@code tokenizer.chat_template}. There is no Jinja engine in core, so {@link
 * #forModel(String)} uses this template in every case, and says so once, as a warning, when the model's template
 * does not look like Med42's (one that writes the {@code <|prompter|>} and {@code <|assistant|>} markers is taken
 * to be).
 */
public final class Med42ChatTemplate {
    /** The system prompt of the model card. */
    public static final String DEFAULT_SYSTEM_PROMPT =
            "You are a helpful medical assistant created by M42 Health in the UAE.";

    private static final String SYSTEM = "<|system|>: ";
    private static final String PROMPTER = "<|prompter|>:";
    private static final String ASSISTANT = "\n<|assistant|>:\n";

    private static final System.Logger LOG = System.getLogger(Med42ChatTemplate.class.getName());
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private final String defaultSystemPrompt;

    /** With the model card's system prompt as the default. */
    public Med42ChatTemplate() {
        this(DEFAULT_SYSTEM_PROMPT);
    }

    /** With another default system prompt, used when a conversation has no system message ("" for none). */
    public Med42ChatTemplate(String defaultSystemPrompt) {
        this.defaultSystemPrompt = Objects.requireNonNull(defaultSystemPrompt, "defaultSystemPrompt");
    }

    /**
     * The template for a model whose GGUF {@code tokenizer.chat_template} is {@code chatTemplate} (null when it
     * has none): always this built-in one, with a warning, logged once, if the model's template is not Med42's.
     */
    public static Med42ChatTemplate forModel(String chatTemplate) {
        if (chatTemplate != null && !isMed42(chatTemplate) && WARNED.compareAndSet(false, true)) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "The model's tokenizer.chat_template is not Med42's, and Jinja templates are not supported:"
                            + " using the built-in Med42 template.");
        }
        return new Med42ChatTemplate();
    }

    /** Whether a Jinja chat template looks like Med42's: it writes the prompter and assistant markers. */
    static boolean isMed42(String chatTemplate) {
        return chatTemplate.contains("<|prompter|>") && chatTemplate.contains("<|assistant|>");
    }

    /**
     * Text the model may write when it starts a turn of its own instead of ending with EOS; stop at any of them.
     */
    public static List<String> stopStrings() {
        return List.of("<|prompter|>", "<|assistant|>", "<|system|>");
    }

    /** One question, with the default system prompt. */
    public Prompt render(String userMessage) {
        return render(List.of(ChatMessage.user(userMessage)));
    }

    /**
     * A conversation: an optional system message first, then user and assistant messages taking turns,
     * starting and ending with a user message. The prompt ends where the assistant's answer begins.
     *
     * @throws IllegalArgumentException if the messages are not in that order
     */
    public Prompt render(List<ChatMessage> messages) {
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a conversation needs at least one user message");
        }
        int first = messages.getFirst().role() == Role.SYSTEM ? 1 : 0;
        String system = first == 1 ? messages.getFirst().text() : defaultSystemPrompt;

        List<Segment> segments = new ArrayList<>();
        segments.add(Control.BOS);
        StringBuilder text = new StringBuilder();
        if (!system.isEmpty()) {
            text.append(SYSTEM).append(RoleMarkers.neutralise(system)).append('\n');
        }
        for (int i = first; i < messages.size(); i++) {
            ChatMessage message = messages.get(i);
            Role expected = (i - first) % 2 == 0 ? Role.USER : Role.ASSISTANT;
            if (message.role() != expected) {
                throw new IllegalArgumentException("message " + i + " is " + message.role() + ", expected " + expected
                        + ": after an optional first system message, user and assistant messages take turns");
            }
            if (expected == Role.USER) {
                text.append(PROMPTER)
                        .append(RoleMarkers.neutralise(message.text()))
                        .append(ASSISTANT);
            } else {
                text.append(RoleMarkers.neutralise(message.text()));
                segments.add(new Text(text.toString()));
                segments.add(Control.EOS);
                text.setLength(0);
            }
        }
        if (messages.getLast().role() != Role.USER) {
            throw new IllegalArgumentException("the last message must be the user's, got "
                    + messages.getLast().role());
        }
        segments.add(new Text(text.toString()));
        return new Prompt(segments);
    }
}
