package dev.med42.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Locates the llama.cpp reference data. Tests read the full set in {@code ../shared/testdata} when the
 * checkout sits beside it (the build passes its location as the system property {@code
 * med42.shared.testdata}), and otherwise the subset copied into this module's test resources, so that a
 * fresh clone passes on its own. Paths are relative to the testdata root, as in its README.
 *
 * <p>Other modules use this class from med42-core's test-jar. Models are memory-mapped, which a file inside a
 * jar cannot be, so the build also passes the bundled directory itself as {@code med42.bundled.testdata};
 * without it the test resources on the class path are used.
 */
public final class TestData {
    private static final Path BUNDLED = bundledRoot();
    private static final Optional<Path> SHARED = sharedRoot();

    private TestData() {}

    /** The full shared reference set, when present. */
    public static Optional<Path> shared() {
        return SHARED;
    }

    /** The root that holds {@code relative}: the shared set if it has the file, else the bundled copy. */
    public static Optional<Path> find(String relative) {
        return Stream.concat(SHARED.stream(), Stream.of(BUNDLED))
                .map(root -> root.resolve(relative))
                .filter(Files::exists)
                .findFirst();
    }

    /** A file that is always available (bundled in the test resources). */
    public static Path file(String relative) {
        return find(relative)
                .orElseThrow(() -> new IllegalStateException("test data file " + relative
                        + " is neither in ../shared/testdata nor in the bundled test resources"));
    }

    /** The model stems that have goldens ({@code golden/<stem>/once.json}), from the shared set when present. */
    public static List<String> goldenModels() {
        Path root = SHARED.orElse(BUNDLED).resolve("golden");
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(d -> Files.exists(d.resolve("once.json")))
                    .map(d -> d.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The GGUF file of a golden model stem: {@code stories260K.gguf} or {@code synthetic/<stem>.gguf}. */
    public static Path modelFile(String stem) {
        return file(stem.equals("stories260K") ? "stories260K.gguf" : "synthetic/" + stem + ".gguf");
    }

    private static Path bundledRoot() {
        String configured = System.getProperty("med42.bundled.testdata");
        if (configured != null && Files.isRegularFile(Path.of(configured, "README.md"))) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        try {
            var url = TestData.class.getResource("/testdata/README.md");
            if (url == null) {
                throw new IllegalStateException("bundled test data missing from the test resources");
            }
            if (!url.getProtocol().equals("file")) {
                throw new IllegalStateException("the bundled test data is inside " + url
                        + ", where models cannot be mapped; set med42.bundled.testdata to its directory");
            }
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<Path> sharedRoot() {
        String configured = System.getProperty("med42.shared.testdata");
        Path candidate = configured != null ? Path.of(configured) : Path.of("../../shared/testdata");
        return Files.isDirectory(candidate.resolve("golden"))
                ? Optional.of(candidate.toAbsolutePath().normalize())
                : Optional.empty();
    }
}
