package dev.med42.spring.autoconfigure;

import dev.med42.quant.GGMLType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a model file that cannot be used as what is wrong and how to fix it, instead of a stack trace. Registered
 * in {@code META-INF/spring.factories}.
 */
class Med42ModelFailureAnalyzer extends AbstractFailureAnalyzer<Med42ModelException> {
    private static final String PROPERTY = "med42.model.path";
    private static final String DOWNLOAD = "./med42 download --quant Q4_K_M";

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, Med42ModelException cause) {
        String description = String.format(
                "The Med42 model file set by %s cannot be used.%n%n    Path: %s%n    Problem: %s",
                PROPERTY, shown(cause.path()), cause.detail());
        return new FailureAnalysis(description, action(cause), cause);
    }

    /** The path as configured and, when relative, where it points. */
    private static String shown(Path path) {
        return path.isAbsolute() ? path.toString() : path + " (" + path.toAbsolutePath() + ")";
    }

    private static String action(Med42ModelException cause) {
        Path path = cause.path();
        return switch (cause.problem()) {
            case MISSING ->
                "Set " + PROPERTY + " to the Med42 GGUF file (a relative path starts from the working directory),"
                        + " or download the model first, for example: " + DOWNLOAD + " (or let the application fetch"
                        + " it at startup: med42.model.download.enabled=true)";
            case DIRECTORY -> "Set " + PROPERTY + " to a GGUF file, not a directory." + ggufFilesIn(path);
            case UNREADABLE ->
                "Let the user that runs the application read the file (for example: chmod a+r " + path + "), or set "
                        + PROPERTY + " to a readable copy.";
            case INVALID ->
                "Check that the file is a complete Med42 GGUF file: an interrupted download leaves a truncated one."
                        + " Download it again, for example: " + DOWNLOAD;
            case UNSUPPORTED ->
                "Use a Med42 (Llama-2) GGUF file in a type this runtime computes with (" + supportedTypes()
                        + "), for example: " + DOWNLOAD;
            case IO_ERROR ->
                "Check that the file system holding the file is available and the file can be read, then start"
                        + " again.";
            case DOWNLOAD_FAILED ->
                "Check med42.model.download.repo, quant and revision, and for a gated repository the token"
                        + " (med42.model.download.token or HF_TOKEN); then start again, which resumes the download."
                        + " Or download the model yourself, for example: " + DOWNLOAD + " --dir "
                        + (path.toAbsolutePath().getParent() != null
                                ? path.toAbsolutePath().getParent()
                                : ".");
        };
    }

    private static String ggufFilesIn(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            String names = files.map(f -> f.getFileName().toString())
                    .filter(name -> name.endsWith(".gguf"))
                    .sorted()
                    .collect(Collectors.joining(", "));
            return names.isEmpty() ? " It holds no .gguf file." : " It holds: " + names + ".";
        } catch (IOException e) {
            return "";
        }
    }

    private static String supportedTypes() {
        return Arrays.stream(GGMLType.values())
                .filter(GGMLType::isSupported)
                .map(GGMLType::name)
                .collect(Collectors.joining(", "));
    }
}
