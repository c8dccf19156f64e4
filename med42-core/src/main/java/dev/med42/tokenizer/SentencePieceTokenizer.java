package dev.med42.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The Llama-2 SentencePiece tokenizer, giving the same ids and bytes as llama.cpp ({@code llama_tokenize},
 * {@code llama_token_to_piece}, {@code llama_detokenize} with an SPM vocabulary).
 *
 * <p>Encoding splits special tokens out of the text, writes spaces as "▁" (with one more in front of the
 * text that starts the input or follows a special token, when the vocabulary asks for that), then merges
 * each run of text with {@link BigramMerger}. Everything works on UTF-8 bytes, as llama.cpp does.
 *
 * <p>Immutable and thread-safe.
 */
public final class SentencePieceTokenizer {
    private static final byte[] SPACE_MARK = "▁".getBytes(StandardCharsets.UTF_8);
    private static final byte[] EMPTY = {};

    private final Vocabulary vocabulary;
    private final byte[][] rendered; // every token's bytes with special tokens shown, like llama.cpp's cache

    public SentencePieceTokenizer(Vocabulary vocabulary) {
        this.vocabulary = vocabulary;
        this.rendered = new byte[vocabulary.size()][];
        for (int token = 0; token < rendered.length; token++) {
            rendered[token] = render(token);
        }
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /**
     * The tokens of {@code text}, as {@code llama_tokenize(text, addSpecial, parseSpecial)}.
     *
     * @param addSpecial add BOS in front and EOS at the end, each if the vocabulary asks for it ({@link
     *     Vocabulary#addBos()}, {@link Vocabulary#addEos()})
     * @param parseSpecial turn the text of CONTROL tokens, such as {@code <s>} and {@code </s>}, into those
     *     tokens; without it they are ordinary text (USER_DEFINED tokens are matched either way)
     * @throws IllegalArgumentException when the text has a byte that the vocabulary cannot spell
     */
    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        // A lone surrogate, which UTF-8 cannot hold, becomes '?' here.
        return encode(text.getBytes(StandardCharsets.UTF_8), addSpecial, parseSpecial);
    }

    /** As {@link #encode(String, boolean, boolean)}, for UTF-8 bytes taken as they are, even if malformed. */
    public int[] encode(byte[] utf8, boolean addSpecial, boolean parseSpecial) {
        IntList out = new IntList();
        if (addSpecial && vocabulary.addBos()) {
            out.add(vocabulary
                    .bos()
                    .orElseThrow(() -> new IllegalStateException("the vocabulary asks for BOS but has none")));
        }
        boolean afterSpecial = true; // the input's start counts as a special token for the space prefix
        for (SpecialTokenSplitter.Fragment fragment : SpecialTokenSplitter.split(vocabulary, utf8, parseSpecial)) {
            if (fragment.isText()) {
                boolean prefix = vocabulary.addSpacePrefix() && afterSpecial;
                BigramMerger.encode(vocabulary, escapeSpaces(utf8, fragment.start(), fragment.end(), prefix), out);
                afterSpecial = false;
            } else {
                out.add(fragment.token());
                afterSpecial = true;
            }
        }
        if (addSpecial && vocabulary.addEos()) {
            out.add(vocabulary
                    .eos()
                    .orElseThrow(() -> new IllegalStateException("the vocabulary asks for EOS but has none")));
        }
        return out.toArray();
    }

    /** The bytes of one token as printed during generation: {@code llama_token_to_piece(token, special=false)}. */
    public byte[] piece(int token) {
        return piece(token, false);
    }

    /**
     * The bytes of one token, as {@code llama_token_to_piece(token, lstrip=0, special)}: "▁" becomes a space,
     * a byte token its byte, USER_DEFINED tokens their text; CONTROL and UNKNOWN tokens their text if
     * {@code special}, else nothing; UNUSED and UNDEFINED tokens nothing.
     */
    public byte[] piece(int token, boolean special) {
        return pieceView(token, special).clone();
    }

    /**
     * The text of {@code tokens}, as {@code llama_detokenize(tokens, remove_special=false,
     * unparse_special=false)}: their pieces one after the other, without the space that the space prefix put
     * in front of the first one.
     */
    public byte[] decodeBytes(int[] tokens) {
        var out = new ByteArrayOutputStream();
        for (int i = 0; i < tokens.length; i++) {
            byte[] piece = pieceView(tokens[i], false);
            int skip = i == 0 && vocabulary.addSpacePrefix() && piece.length > 0 && piece[0] == ' ' ? 1 : 0;
            out.write(piece, skip, piece.length - skip);
        }
        return out.toByteArray();
    }

    /** {@link #decodeBytes} as a string; malformed UTF-8 becomes U+FFFD. */
    public String decode(int[] tokens) {
        return new String(decodeBytes(tokens), StandardCharsets.UTF_8);
    }

    /** The piece without a copy; callers must not modify it. */
    byte[] pieceView(int token, boolean special) {
        TokenType type = vocabulary.type(token);
        if (!special && (type == TokenType.CONTROL || type == TokenType.UNKNOWN)) {
            return EMPTY;
        }
        return rendered[token];
    }

    private byte[] render(int token) {
        byte[] text = vocabulary.piece(token);
        return switch (vocabulary.type(token)) {
            case CONTROL, UNKNOWN, USER_DEFINED -> text;
            case NORMAL -> unescapeSpaces(text);
            case BYTE -> new byte[] {(byte) vocabulary.byteValue(token)};
            case UNUSED, UNDEFINED -> EMPTY;
        };
    }

    /** {@code text[from, to)} with every space written "▁", and one more in front if {@code prefix}. */
    private static byte[] escapeSpaces(byte[] text, int from, int to, boolean prefix) {
        int spaces = 0;
        for (int i = from; i < to; i++) {
            if (text[i] == ' ') {
                spaces++;
            }
        }
        byte[] out = new byte[(prefix ? SPACE_MARK.length : 0) + to - from + spaces * (SPACE_MARK.length - 1)];
        int j = 0;
        if (prefix) {
            j = put(SPACE_MARK, out, j);
        }
        for (int i = from; i < to; i++) {
            if (text[i] == ' ') {
                j = put(SPACE_MARK, out, j);
            } else {
                out[j++] = text[i];
            }
        }
        return out;
    }

    /** {@code text} with every "▁" written as a space. */
    private static byte[] unescapeSpaces(byte[] text) {
        var out = new ByteArrayOutputStream(text.length);
        for (int i = 0; i < text.length; ) {
            if (text.length - i >= SPACE_MARK.length
                    && Arrays.equals(text, i, i + SPACE_MARK.length, SPACE_MARK, 0, SPACE_MARK.length)) {
                out.write(' ');
                i += SPACE_MARK.length;
            } else {
                out.write(text[i++]);
            }
        }
        return out.toByteArray();
    }

    private static int put(byte[] bytes, byte[] out, int at) {
        System.arraycopy(bytes, 0, out, at, bytes.length);
        return at + bytes.length;
    }
}
