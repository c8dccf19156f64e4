package dev.med42.tokenizer;

import java.util.Optional;

/**
 * The kind of a vocabulary entry, numbered as ggml numbers them in {@code tokenizer.ggml.token_type}
 * ({@code llama_token_type} in llama.h). The kind decides how a token is matched in text and how it is
 * rendered back to bytes.
 */
public enum TokenType {
    /** Type 0: no kind given; matched by merges like a normal piece but rendered as nothing. */
    UNDEFINED,
    /** A SentencePiece piece: "▁" stands for a space. */
    NORMAL,
    /** The {@code <unk>} token. */
    UNKNOWN,
    /** BOS, EOS and other markers, matched in text only when special tokens are parsed. */
    CONTROL,
    /** Added text that is always split out of the input before the merges and rendered verbatim. */
    USER_DEFINED,
    /** A reserved slot; rendered as nothing. */
    UNUSED,
    /** One raw byte, written {@code <0xNN>}: the fallback for text that no piece covers. */
    BYTE;

    private static final TokenType[] BY_CODE = values();

    /** The type with this ggml number, or empty for a number ggml does not define. */
    public static Optional<TokenType> fromCode(long code) {
        return code >= 0 && code < BY_CODE.length ? Optional.of(BY_CODE[(int) code]) : Optional.empty();
    }

    /** The ggml number stored in GGUF files. */
    public int code() {
        return ordinal();
    }
}
