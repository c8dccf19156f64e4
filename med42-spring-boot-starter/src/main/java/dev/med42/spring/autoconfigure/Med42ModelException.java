package dev.med42.spring.autoconfigure;

import dev.med42.gguf.GGUFFile;
import dev.med42.gguf.GGUFFormatException;
import dev.med42.gguf.GGUFTensorInfo;
import dev.med42.quant.GGMLType;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The configured model file cannot be used: which file, what kind of problem, and what exactly is wrong. {@link
 * Med42ModelFailureAnalyzer} turns it into the startup report.
 */
public class Med42ModelException extends RuntimeException {
    private final Path path;
    private final Problem problem;
    private final String detail;

    /** What is wrong with the file; each has its own remedy in the startup report. */
    public enum Problem {
        /** Nothing is at the path. */
        MISSING,
        /** The path is a directory. */
        DIRECTORY,
        /** The file exists but this process may not read it. */
        UNREADABLE,
        /** The file is not a valid GGUF model: another format, truncated, or inconsistent. */
        INVALID,
        /** A valid GGUF file, but of another architecture or with tensor types this runtime cannot compute with. */
        UNSUPPORTED,
        /** Reading failed for another reason. */
        IO_ERROR,
        /** The file was missing, and downloading it (med42.model.download.enabled) failed. */
        DOWNLOAD_FAILED
    }

    public Med42ModelException(Path path, Problem problem, String detail, Throwable cause) {
        super("cannot load the Med42 model " + path + ": " + detail, cause);
        this.path = path;
        this.problem = problem;
        this.detail = detail;
    }

    /** The failure to load {@code path} as the exception the runtime threw describes it. */
    static Med42ModelException diagnose(Path path, IOException failure) {
        return switch (failure) {
            case NoSuchFileException e -> new Med42ModelException(path, Problem.MISSING, "the file does not exist", e);
            case AccessDeniedException e ->
                new Med42ModelException(path, Problem.UNREADABLE, "this process may not read the file", e);
            case GGUFFormatException e -> invalidOrUnsupported(path, e);
            default -> new Med42ModelException(path, Problem.IO_ERROR, failure.toString(), failure);
        };
    }

    /**
     * A file the runtime refused: unsupported when it is readable GGUF but not a Llama model or not in types the
     * runtime computes with (asked of the file itself rather than read from the message), else invalid.
     */
    private static Med42ModelException invalidOrUnsupported(Path path, GGUFFormatException failure) {
        try (GGUFFile file = GGUFFile.open(path)) {
            String architecture =
                    file.metadata().getString("general.architecture").orElse("(none)");
            if (!architecture.equals("llama")) {
                return new Med42ModelException(
                        path,
                        Problem.UNSUPPORTED,
                        "its architecture is " + architecture + "; this runtime runs Llama-2 models such as Med42",
                        failure);
            }
            Set<GGMLType> unsupported = file.tensors().stream()
                    .map(GGUFTensorInfo::type)
                    .filter(type -> !type.isSupported())
                    .collect(Collectors.toCollection(TreeSet::new));
            if (!unsupported.isEmpty()) {
                return new Med42ModelException(
                        path,
                        Problem.UNSUPPORTED,
                        "it has tensors of type " + unsupported + ", which this runtime cannot compute with",
                        failure);
            }
        } catch (IOException notGguf) {
            // Not even its header reads: the original failure says why.
        }
        // The runtime's message starts with the file, which the report already names.
        String message = failure.getMessage();
        String prefix = failure.file() + ": ";
        return new Med42ModelException(
                path,
                Problem.INVALID,
                message.startsWith(prefix) ? message.substring(prefix.length()) : message,
                failure);
    }

    /** The configured path, as given. */
    public Path path() {
        return path;
    }

    public Problem problem() {
        return problem;
    }

    /** What is wrong, without the path. */
    public String detail() {
        return detail;
    }
}
