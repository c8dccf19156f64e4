package dev.med42.json;

import java.io.IOException;

/** Text that is not valid JSON (RFC 8259). The message says what was wrong and at which character. */
public final class JsonException extends IOException {
    private final int offset;

    JsonException(String problem, int offset) {
        super("invalid JSON at character " + offset + ": " + problem);
        this.offset = offset;
    }

    /** The offset, in chars, of the character where the problem was found. */
    public int offset() {
        return offset;
    }
}
