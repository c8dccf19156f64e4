package dev.med42.gguf;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A GGUF file that cannot be read: bad magic, a truncated header, a length that cannot fit the file,
 * tensor data outside the file, an unknown type, and so on. The message names the file, the byte offset
 * where the problem was found and what was wrong. For a file stored as raw parts ({@code X.gguf-split-a},
 * …) the file is the logical one ({@code X.gguf}) and the message also names the part and the offset in it.
 */
public final class GGUFFormatException extends IOException {
    private final transient Path file;
    private final long offset;

    public GGUFFormatException(Path file, long offset, String problem) {
        this(file, offset, "", problem);
    }

    /** {@code where} is appended to the offset, e.g. {@code " (byte 12 of part X.gguf-split-b)"}. */
    GGUFFormatException(Path file, long offset, String where, String problem) {
        super(file + ": at byte " + offset + where + ": " + problem);
        this.file = file;
        this.offset = offset;
    }

    /** The file that was being read. */
    public Path file() {
        return file;
    }

    /** The byte offset in the (logical) file where the problem was found. */
    public long offset() {
        return offset;
    }
}
