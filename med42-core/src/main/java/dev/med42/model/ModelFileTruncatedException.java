package dev.med42.model;

import java.nio.file.Path;
import java.util.List;

/**
 * The model's file was truncated, or rewritten in place, after it was loaded, and a forward pass read weights it no
 * longer has. The memory-mapped pages are gone: the operating system signals the read (SIGBUS), the JVM turns the
 * signal into an {@link InternalError} (the cause), and this names the file. The process and the other sessions are
 * unharmed, but the model cannot run until the file is whole again: load it anew from an intact file.
 */
public final class ModelFileTruncatedException extends IllegalStateException {
    private final transient List<Path> files;

    ModelFileTruncatedException(List<Path> files, InternalError cause) {
        super(
                "the model file " + (files.size() == 1 ? files.getFirst() : files)
                        + " is shorter than when it was loaded: it was truncated or overwritten while in use;"
                        + " load the model again from an intact file",
                cause);
        this.files = List.copyOf(files);
    }

    /** The files that are shorter than their mapping. */
    public List<Path> files() {
        return files;
    }
}
