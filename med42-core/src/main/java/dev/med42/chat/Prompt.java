package dev.med42.chat;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A rendered prompt: plain text to tokenize, and control tokens by name. Text is always encoded with {@code
 * parseSpecial = false}, so text such as {@code </s>} stays text and only the template places control tokens.
 *
 * <p>In a {@link Med42ChatTemplate} rendering every text segment follows a control token. Encoding each one
 * on its own therefore gives the ids llama.cpp gives for the whole rendered string (it adds the SentencePiece
 * space prefix at the start of every text fragment after a control token), and those of Hugging Face's
 * tokenizer for the model card's prompt.
 */
public record Prompt(List<Segment> segments) {

    public Prompt {
        segments = List.copyOf(segments);
    }

    /** A piece of the prompt. */
    public sealed interface Segment permits Text, Control {}

    /** Text, to be tokenized without parsing control-token text. */
    public record Text(String text) implements Segment {
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }

    /** A control token, placed by id. */
    public enum Control implements Segment {
        BOS,
        EOS
    }

    /** Turns text into token ids: a view of the tokenizer, e.g. {@code (t, s) -> tokenizer.encode(t, false, s)}. */
    @FunctionalInterface
    public interface TextEncoder {
        int[] encode(String text, boolean parseSpecial);
    }

    /** The token ids of the prompt: every text segment through {@code encoder}, BOS and EOS as the given ids. */
    public int[] toTokens(TextEncoder encoder, int bosId, int eosId) {
        int[] ids = new int[256];
        int size = 0;
        for (Segment segment : segments) {
            int[] piece = switch (segment) {
                case Text text -> encoder.encode(text.text(), false);
                case Control control -> new int[] {control == Control.BOS ? bosId : eosId};
            };
            if (size + piece.length > ids.length) {
                ids = Arrays.copyOf(ids, Math.max(2 * ids.length, size + piece.length));
            }
            System.arraycopy(piece, 0, ids, size, piece.length);
            size += piece.length;
        }
        return Arrays.copyOf(ids, size);
    }

    /** The prompt as one string, BOS and EOS written {@code <s>} and {@code </s>}: for logs, not for tokenizing. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (Segment segment : segments) {
            switch (segment) {
                case Text text -> s.append(text.text());
                case Control control -> s.append(control == Control.BOS ? "<s>" : "</s>");
            }
        }
        return s.toString();
    }
}
