package dev.med42.chat;

/**
 * Keeps message text from opening a turn. Med42's role markers ({@code <|system|>:}, {@code <|prompter|>:},
 * {@code <|assistant|>:}) are plain text to its tokenizer, not special tokens, so a user who types one would
 * otherwise start a turn of their own. Each marker found has its bars removed, and nothing else changes:
 * {@code <|prompter|>:} becomes {@code <prompter>:}, which the reader still sees and the model does not take for
 * a turn.
 *
 * <p>What counts as a marker is deliberately broad: {@code <}, one or more {@code |}, a role name, one or more
 * {@code |}, {@code >}, in any letter case, with any whitespace (line breaks included), control, zero-width or
 * combining characters between any two of those characters, and with fullwidth forms and a fixed list of
 * look-alikes ({@code ‹ 〈 ⟨ ﹤}, {@code ǀ ∣ │ ¦ ‖}, Cyrillic and Greek letters shaped like Latin ones) counted as
 * the characters they imitate. The angle brackets are required, so a Markdown table cell such as {@code | System |}
 * is left alone. The colon is not required.
 */
final class RoleMarkers {
    private static final String[] ROLES = {"system", "prompter", "assistant"};

    private RoleMarkers() {}

    /** {@code text} with the bars of every role marker removed; the same string when there is none. */
    static String neutralise(String text) {
        StringBuilder out = null;
        int copied = 0;
        for (int i = 0; i < text.length(); i++) {
            if (fold(text.charAt(i)) != '<') {
                continue;
            }
            int end = markerEnd(text, i);
            if (end < 0) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length());
            }
            out.append(text, copied, i);
            for (int j = i; j < end; j++) {
                char c = text.charAt(j);
                if (fold(c) != '|') {
                    out.append(c);
                }
            }
            copied = end;
            i = end - 1;
        }
        return out == null ? text : out.append(text, copied, text.length()).toString();
    }

    /** Whether {@code text} holds a role marker. */
    static boolean contains(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (fold(text.charAt(i)) == '<' && markerEnd(text, i) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** The index just past the marker that starts with the {@code <} at {@code start}, or -1 if there is none. */
    private static int markerEnd(String text, int start) {
        int i = bars(text, skipIgnorable(text, start + 1));
        if (i < 0) {
            return -1;
        }
        i = role(text, i);
        if (i < 0) {
            return -1;
        }
        i = bars(text, skipIgnorable(text, i));
        if (i < 0 || i >= text.length() || fold(text.charAt(i)) != '>') {
            return -1;
        }
        return i + 1;
    }

    /** Past one or more bars (and anything ignorable among and after them) at {@code i}, or -1. */
    private static int bars(String text, int i) {
        if (i >= text.length() || fold(text.charAt(i)) != '|') {
            return -1;
        }
        while (i < text.length() && (fold(text.charAt(i)) == '|' || ignorable(text.charAt(i)))) {
            i++;
        }
        return i;
    }

    /** Past a role name spelled from {@code i}, ignorable characters allowed between its letters, or -1. */
    private static int role(String text, int i) {
        for (String role : ROLES) {
            int j = i;
            int matched = 0;
            while (matched < role.length()) {
                j = skipIgnorable(text, j);
                if (j >= text.length() || fold(text.charAt(j)) != role.charAt(matched)) {
                    break;
                }
                j++;
                matched++;
            }
            if (matched == role.length()) {
                return j;
            }
        }
        return -1;
    }

    private static int skipIgnorable(String text, int i) {
        while (i < text.length() && ignorable(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Characters that change the bytes but hardly what a reader, or a model, makes of the marker. */
    private static boolean ignorable(char c) {
        int type = Character.getType(c);
        return Character.isWhitespace(c)
                || Character.isSpaceChar(c)
                || Character.isISOControl(c)
                || type == Character.FORMAT // zero-width space and joiners, soft hyphen, BOM
                || type == Character.NON_SPACING_MARK; // combining accents
    }

    /** The character {@code c} reads as: lower case, fullwidth forms and look-alikes mapped to ASCII. */
    static char fold(char c) {
        if (c >= '\uFF01' && c <= '\uFF5E') {
            c = (char) (c - 0xFEE0); // fullwidth ASCII
        }
        c = Character.toLowerCase(c);
        return switch (c) {
            case '\u2039', '\u2329', '\u3008', '\u27E8', '\uFE64', '\u02C2', '\u1438' -> '<';
            case '\u203A', '\u232A', '\u3009', '\u27E9', '\uFE65', '\u02C3', '\u1433' -> '>';
            case '\u01C0', '\u05C0', '\u2223', '\u2502', '\u23D0', '\uFFE8', '\u00A6', '\u2016', '\u2758' -> '|';
            case '\u0430', '\u03B1' -> 'a'; // Cyrillic а, Greek α
            case '\u0435' -> 'e'; // Cyrillic е
            case '\u0456', '\u03B9' -> 'i'; // Cyrillic і, Greek ι
            case '\u043C' -> 'm'; // Cyrillic м
            case '\u043E', '\u03BF' -> 'o'; // Cyrillic о, Greek ο
            case '\u0440', '\u03C1' -> 'p'; // Cyrillic р, Greek ρ
            case '\u0455' -> 's'; // Cyrillic ѕ
            case '\u0442', '\u03C4' -> 't'; // Cyrillic т, Greek τ
            case '\u0443' -> 'y'; // Cyrillic у
            default -> c;
        };
    }
}
