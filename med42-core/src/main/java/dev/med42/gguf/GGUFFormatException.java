package dev.med42.gguf;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A GGUF file that cannot be read: bad magic, a truncated header, a length that cannot fit the file,
 * tensor data outside the file, an unknown type, and so on. The message names the file, the byte offset
 * where the problem was found and what was wrong.
 */
public final class GGUFFormatException extends IOException {
    private final transient Path file;
    private final long offset;

    public GGUFFormatException(Path file, long offset, String problem) {
        super(file + ": at byte " + offset + ": " + problem);
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
