package dev.med42.tokenizer;

import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * The SentencePiece merge of one run of text, as llama.cpp's {@code llm_tokenizer_spm_session} does it. The
 * text starts as one symbol per UTF-8 character; then, again and again, the adjacent pair whose
 * concatenation is the highest-scoring vocabulary piece is merged, the leftmost pair first among equal
 * scores. Candidate pairs wait in a priority queue and the symbols form a linked list, so a text of n
 * characters takes O(n log n). A pair made stale by an earlier merge is recognised by its size and skipped.
 */
final class BigramMerger {
    /** Byte length of a UTF-8 sequence by the high nibble of its first byte (llama.cpp's unicode_len_utf8). */
    private static final int[] SEQUENCE_LENGTH = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};

    private record Bigram(int left, int right, float score, int size) {}

    // Compared with < and == rather than Float.compare, so that -0.0 and 0.0 tie as they do in llama.cpp.
    private static final Comparator<Bigram> BEST_FIRST =
            (a, b) -> a.score != b.score ? (a.score > b.score ? -1 : 1) : Integer.compare(a.left, b.left);

    private final Vocabulary vocabulary;
    private final byte[] text;
    private final int[] start; // symbol i covers text[start[i], start[i] + length[i]); length 0 once merged away
    private final int[] length;
    private final int[] prev;
    private final int[] next;
    private final int count;
    private final PriorityQueue<Bigram> queue = new PriorityQueue<>(BEST_FIRST);

    private BigramMerger(Vocabulary vocabulary, byte[] text) {
        this.vocabulary = vocabulary;
        this.text = text;
        start = new int[text.length];
        length = new int[text.length];
        int n = 0;
        for (int offset = 0; offset < text.length; n++) {
            start[n] = offset;
            length[n] = Math.min(SEQUENCE_LENGTH[(text[offset] & 0xff) >>> 4], text.length - offset);
            offset += length[n];
        }
        count = n;
        prev = new int[n];
        next = new int[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
    }

    /**
     * Appends the tokens of {@code text}, whose spaces are already written "▁", to {@code out}.
     *
     * @throws IllegalArgumentException when a byte that no piece covers has no byte token either
     */
    static void encode(Vocabulary vocabulary, byte[] text, IntList out) {
        new BigramMerger(vocabulary, text).merge(out);
    }

    private void merge(IntList out) {
        for (int i = 1; i < count; i++) {
            offer(i - 1, i);
        }
        for (Bigram bigram; (bigram = queue.poll()) != null; ) {
            int left = bigram.left();
            int right = bigram.right();
            if (length[left] == 0 || length[right] == 0 || length[left] + length[right] != bigram.size()) {
                continue;
            }
            length[left] += length[right];
            length[right] = 0;
            next[left] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = left;
            }
            offer(prev[left], left);
            offer(left, next[left]);
        }
        for (int i = count > 0 ? 0 : -1; i != -1; i = next[i]) {
            emit(i, out);
        }
    }

    private void offer(int left, int right) {
        if (left < 0 || right < 0) {
            return;
        }
        int size = length[left] + length[right];
        int token = vocabulary.find(text, start[left], size);
        if (token >= 0) {
            queue.add(new Bigram(left, right, vocabulary.score(token), size));
        }
    }

    /**
     * Every merge forms a vocabulary piece, so a symbol that is not one is a single character that never
     * merged: llama.cpp's resegment step then spells it with byte tokens.
     */
    private void emit(int symbol, IntList out) {
        int token = vocabulary.find(text, start[symbol], length[symbol]);
        if (token >= 0) {
            out.add(token);
            return;
        }
        for (int i = start[symbol]; i < start[symbol] + length[symbol]; i++) {
            int b = text[i] & 0xff;
            int byteToken = vocabulary.byteToken(b);
            if (byteToken < 0) {
                throw new IllegalArgumentException(String.format(
                        "cannot encode byte 0x%02X: the vocabulary has neither <0x%02X> nor the byte itself as a token",
                        b, b));
            }
            out.add(byteToken);
        }
    }
}
