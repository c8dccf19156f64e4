package dev.med42.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits text around the special tokens it spells, before any merging, as llama.cpp's {@code
 * tokenizer_st_partition} does. The tokens are taken one at a time, longest first, and each claims every
 * occurrence, leftmost first and not overlapping, in the text that earlier tokens left over. USER_DEFINED
 * tokens are always split out; CONTROL and UNKNOWN ones only when special tokens are parsed.
 */
final class SpecialTokenSplitter {
    /** {@code text[start, end)}: raw text when {@code token} is -1, else the special token it spells. */
    record Fragment(int start, int end, int token) {
        boolean isText() {
            return token < 0;
        }
    }

    private SpecialTokenSplitter() {}

    static List<Fragment> split(Vocabulary vocabulary, byte[] text, boolean parseSpecial) {
        List<Fragment> fragments = new ArrayList<>();
        if (text.length > 0) {
            fragments.add(new Fragment(0, text.length, -1));
        }
        for (int special : vocabulary.specialTokens()) {
            if (!parseSpecial && vocabulary.type(special) != TokenType.USER_DEFINED) {
                continue;
            }
            byte[] piece = vocabulary.piece(special);
            List<Fragment> result = new ArrayList<>(fragments.size());
            for (Fragment fragment : fragments) {
                if (!fragment.isText()) {
                    result.add(fragment);
                    continue;
                }
                int from = fragment.start();
                for (int match; (match = indexOf(text, piece, from, fragment.end())) >= 0; ) {
                    if (match > from) {
                        result.add(new Fragment(from, match, -1));
                    }
                    result.add(new Fragment(match, match + piece.length, special));
                    from = match + piece.length;
                }
                if (from < fragment.end()) {
                    result.add(new Fragment(from, fragment.end(), -1));
                }
            }
            fragments = result;
        }
        return fragments;
    }

    /** The first occurrence of {@code pattern} (not empty) lying wholly inside {@code text[from, to)}, or -1. */
    private static int indexOf(byte[] text, byte[] pattern, int from, int to) {
        byte first = pattern[0];
        for (int i = from, last = to - pattern.length; i <= last; i++) {
            if (text[i] == first && Arrays.equals(text, i, i + pattern.length, pattern, 0, pattern.length)) {
                return i;
            }
        }
        return -1;
    }
}
