package dev.med42.samples.summarizer.note;

import dev.med42.tokenizer.SentencePieceTokenizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a note into pieces of at most a given number of tokens, counted with the model's own tokenizer, so that
 * each piece fits the context with its prompt and answer. A piece ends at a line break, else at the end of a
 * sentence, when one lies in the second half of the window, so that a finding is rarely cut in two; never inside a
 * character.
 *
 * <p>Thread-safe.
 */
public final class NoteChunker {
    private final SentencePieceTokenizer tokenizer;

    public NoteChunker(SentencePieceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** The tokens of {@code text} on its own (no BOS). */
    public int count(String text) {
        return tokens(text).length;
    }

    /** The pieces of {@code text}, in order, each at most {@code maxTokens} tokens; one piece when it fits. */
    public List<String> split(String text, int maxTokens) {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be positive: " + maxTokens);
        }
        int[] tokens = tokens(text);
        List<String> pieces = new ArrayList<>();
        int start = 0;
        while (start < tokens.length) {
            int end = tokens.length - start <= maxTokens ? tokens.length : cut(tokens, start, start + maxTokens);
            String piece =
                    tokenizer.decode(Arrays.copyOfRange(tokens, start, end)).strip();
            if (!piece.isEmpty()) {
                pieces.add(piece);
            }
            start = end;
        }
        return pieces;
    }

    /** The longest start of {@code text} of at most {@code maxTokens} tokens. */
    public String truncate(String text, int maxTokens) {
        int[] tokens = tokens(text);
        if (tokens.length <= maxTokens) {
            return text;
        }
        return tokenizer.decode(Arrays.copyOf(tokens, cutInsideCharacter(tokens, maxTokens)));
    }

    /** Where a piece that starts at {@code start} and may reach {@code limit} (exclusive) best ends. */
    private int cut(int[] tokens, int start, int limit) {
        int half = start + (limit - start) / 2;
        for (int end = limit; end > half; end--) {
            if (endsWith(tokens[end - 1], "\n")) {
                return end;
            }
        }
        for (int end = limit; end > half; end--) {
            if (endsWith(tokens[end - 1], ".") || endsWith(tokens[end - 1], "?") || endsWith(tokens[end - 1], "!")) {
                return end;
            }
        }
        int end = cutInsideCharacter(tokens, limit);
        return end > start ? end : limit;
    }

    /** {@code end}, moved back while it would split a character's UTF-8 bytes over two byte tokens. */
    private int cutInsideCharacter(int[] tokens, int end) {
        while (end > 0 && end < tokens.length && isContinuationByte(tokens[end])) {
            end--;
        }
        return end;
    }

    private boolean isContinuationByte(int token) {
        byte[] piece = tokenizer.piece(token);
        return piece.length > 0 && (piece[0] & 0xC0) == 0x80;
    }

    private boolean endsWith(int token, String suffix) {
        return new String(tokenizer.piece(token), StandardCharsets.UTF_8).endsWith(suffix);
    }

    private int[] tokens(String text) {
        return tokenizer.encode(text, false, false);
    }
}
