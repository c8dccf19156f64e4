package dev.med42.tokenizer;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns tokens into text one at a time, as they are generated. A character whose UTF-8 bytes are spread
 * over several byte tokens comes out whole, once its last byte arrives; bytes that cannot begin or continue
 * a character become U+FFFD as soon as that is certain, and the bytes of an unfinished character at the end
 * become U+FFFD on {@link #flush()}. The text returned is that of {@link SentencePieceTokenizer#piece(int)}
 * for each token, so the first piece keeps its leading space (unlike {@link
 * SentencePieceTokenizer#decode(int[])}): generated text continues a prompt.
 *
 * <p>Not thread-safe: one decoder per stream.
 */
public final class TokenDecoder {
    private final SentencePieceTokenizer tokenizer;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private ByteBuffer pending = ByteBuffer.allocate(16); // in write mode: the bytes of an unfinished character

    public TokenDecoder(SentencePieceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** The text that {@code token} completes; empty while a character is still unfinished. */
    public String accept(int token) {
        return decode(tokenizer.pieceView(token, false), false);
    }

    /** The text still held back, with an unfinished character as U+FFFD; the decoder is then ready to reuse. */
    public String flush() {
        String rest = decode(new byte[0], true);
        utf8.reset();
        return rest;
    }

    private String decode(byte[] bytes, boolean endOfInput) {
        if (pending.remaining() < bytes.length) {
            pending = ByteBuffer.allocate(pending.position() + bytes.length).put(pending.flip());
        }
        pending.put(bytes).flip();
        // A byte yields at most one char, and a 4-byte character two: the input's size always suffices.
        CharBuffer out = CharBuffer.allocate(pending.remaining());
        utf8.decode(pending, out, endOfInput);
        if (endOfInput) {
            utf8.flush(out);
        }
        pending.compact();
        return out.flip().toString();
    }
}
