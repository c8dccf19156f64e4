package dev.med42.langchain4j;

import dev.med42.chat.Prompt;
import dev.med42.chat.Prompt.Control;
import dev.med42.chat.Prompt.Text;
import java.util.List;

/**
 * A rendered prompt as the text a remote server tokenizes. For a raw {@code /v1/completions} prompt, llama.cpp's server
 * tokenizes with {@code add_special} and {@code parse_special} (BOS first, control-token text parsed), and vLLM with
 * the model's Hugging Face tokenizer and {@code add_special_tokens} (the same for Llama-2's). So the leading BOS is
 * left to the server, and each EOS between turns is written as its text, {@code </s>}, which the server parses back
 * into the token.
 *
 * <p>The same parsing would turn special-token text inside a message into control tokens: a user could end a turn
 * with {@code </s>}, which the embedded runtime reads as plain text. So in the text segments, Llama-2's special tokens
 * {@code <s>}, {@code </s>} and {@code <unk>} get a zero-width space after the {@code <}: the server reads them as
 * text, and a reader, or the model, sees them nearly as typed. (The template has already neutralised role markers.)
 * Everything else gives the server the very tokens the embedded runtime evaluates: llama.cpp, like the runtime, puts
 * SentencePiece's space prefix at the start of every text fragment after a control token.
 */
final class PromptText {
    private static final List<String> SPECIAL = List.of("<s>", "</s>", "<unk>");
    private static final String ESCAPE = "\u200B"; // zero-width space

    private PromptText() {}

    static String of(Prompt prompt) {
        StringBuilder text = new StringBuilder();
        for (Prompt.Segment segment : prompt.segments()) {
            switch (segment) {
                case Text t -> text.append(escapeSpecialTokens(t.text()));
                case Control c when c == Control.BOS && text.isEmpty() -> {} // the server adds it
                case Control c -> text.append(c == Control.BOS ? "<s>" : "</s>");
            }
        }
        return text.toString();
    }

    /** {@code text} with a zero-width space after the {@code <} of each special token's text. */
    static String escapeSpecialTokens(String text) {
        if (text.indexOf('<') < 0) {
            return text;
        }
        String escaped = text;
        for (String special : SPECIAL) {
            escaped = escaped.replace(special, "<" + ESCAPE + special.substring(1));
        }
        return escaped;
    }
}
