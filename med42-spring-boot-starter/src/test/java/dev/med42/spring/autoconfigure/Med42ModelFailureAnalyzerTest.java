package dev.med42.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.med42.gguf.GGUFFile;
import dev.med42.gguf.GGUFTensorInfo;
import dev.med42.gguf.GGUFWriter;
import dev.med42.quant.GGMLType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Every way the model file can be wrong, made for real on disk, and what the startup report says about it. */
class Med42ModelFailureAnalyzerTest {
    private final ApplicationContextRunner runner =
            new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(Med42AutoConfiguration.class));
    private final Med42ModelFailureAnalyzer analyzer = new Med42ModelFailureAnalyzer();

    @TempDir
    Path dir;

    @Test
    void should_say_that_a_missing_file_does_not_exist_and_how_to_get_it() {
        FailureAnalysis analysis = analyzeStartupWith(dir.resolve("med42-70b.Q4_K_M.gguf"));

        assertThat(analysis.getDescription())
                .contains(
                        "med42.model.path", dir.resolve("med42-70b.Q4_K_M.gguf").toString(), "does not exist");
        assertThat(analysis.getAction()).contains("med42.model.path", "./med42 download --quant Q4_K_M");
    }

    @Test
    void should_show_where_a_relative_path_points() {
        FailureAnalysis analysis = analyzeStartupWith(Path.of("models/med42.gguf"));

        assertThat(analysis.getDescription())
                .contains("models/med42.gguf (" + Path.of("models/med42.gguf").toAbsolutePath() + ")");
    }

    @Test
    void should_say_that_a_directory_is_not_a_file_and_name_the_models_in_it() throws IOException {
        Files.createFile(dir.resolve("med42-70b.Q4_K_M.gguf"));
        Files.createFile(dir.resolve("README.md"));

        FailureAnalysis analysis = analyzeStartupWith(dir);

        assertThat(analysis.getDescription()).contains("med42.model.path", "is a directory");
        assertThat(analysis.getAction())
                .contains("not a directory", "It holds: med42-70b.Q4_K_M.gguf.")
                .doesNotContain("README");
    }

    @Test
    void should_say_that_an_unreadable_file_needs_read_permission() throws IOException {
        Path file = Files.copy(TestModels.stories(), dir.resolve("med42.gguf"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        assumeThat(Files.isReadable(file))
                .as("permissions do not stop this user (root) from reading")
                .isFalse();

        FailureAnalysis analysis = analyzeStartupWith(file);

        assertThat(analysis.getDescription()).contains("med42.model.path", "may not read the file");
        assertThat(analysis.getAction()).contains("chmod a+r " + file);
    }

    @Test
    void should_advise_read_permission_for_an_unreadable_file() {
        // The same report as above, from the exception the loader throws, for users (root) whom permissions
        // do not stop.
        Path file = Path.of("/models/med42.gguf");
        var failure = new Med42ModelException(
                file,
                Med42ModelException.Problem.UNREADABLE,
                "this process may not read the file",
                new java.nio.file.AccessDeniedException(file.toString()));

        FailureAnalysis analysis = analyzer.analyze(failure);

        assertThat(analysis.getDescription()).contains("med42.model.path", "/models/med42.gguf", "may not read");
        assertThat(analysis.getAction()).contains("chmod a+r /models/med42.gguf");
    }

    @Test
    void should_say_that_a_file_that_is_not_gguf_is_invalid() throws IOException {
        Path file = Files.writeString(dir.resolve("med42.gguf"), "<html>404 Not Found</html>");

        FailureAnalysis analysis = analyzeStartupWith(file);

        assertThat(analysis.getDescription())
                .contains("med42.model.path", "Problem: at byte 0: ")
                .containsOnlyOnce(file.toString());
        assertThat(analysis.getAction()).contains("complete Med42 GGUF file", "./med42 download --quant Q4_K_M");
    }

    @Test
    void should_say_that_a_truncated_file_is_invalid() throws IOException {
        byte[] start = java.util.Arrays.copyOf(Files.readAllBytes(TestModels.stories()), 100_000);
        Path file = Files.write(dir.resolve("med42.gguf"), start);

        FailureAnalysis analysis = analyzeStartupWith(file);

        assertThat(((Med42ModelException) analysis.getCause()).problem())
                .isEqualTo(Med42ModelException.Problem.INVALID);
        assertThat(analysis.getAction()).contains("truncated");
    }

    @Test
    void should_say_that_another_architecture_is_unsupported() throws IOException {
        Path file = storiesWith(writer -> writer.putString("general.architecture", "gpt2"));

        FailureAnalysis analysis = analyzeStartupWith(file);

        assertThat(analysis.getDescription()).contains("med42.model.path", "architecture is gpt2", "Llama-2");
        assertThat(analysis.getAction()).contains("Q4_K", "./med42 download --quant Q4_K_M");
    }

    @Test
    void should_say_which_tensor_types_are_unsupported() throws IOException {
        Path file = Files.createTempFile(dir, "iq4", ".gguf");
        try (GGUFFile stories = GGUFFile.open(TestModels.stories())) {
            var writer = new GGUFWriter().putAll(stories.metadata());
            for (GGUFTensorInfo tensor : stories.tensors()) {
                if (tensor.name().equals("blk.0.attn_q.weight")) {
                    writer.addTensor(tensor.name(), GGMLType.IQ4_NL, tensor.shape(), data -> {});
                } else {
                    writer.addTensor(
                            tensor.name(),
                            tensor.type(),
                            tensor.shape(),
                            data -> data.copyFrom(stories.tensorData(tensor)));
                }
            }
            writer.write(file);
        }

        FailureAnalysis analysis = analyzeStartupWith(file);

        assertThat(analysis.getDescription()).contains("med42.model.path", "[IQ4_NL]", "cannot compute with");
        assertThat(analysis.getAction()).contains("F32", "Q4_K", "Q6_K").doesNotContain("IQ4_NL");
    }

    @Test
    void should_leave_other_failures_to_other_analyzers() {
        assertThat(analyzer.analyze(new IllegalStateException("not about the model")))
                .isNull();
    }

    /** Starts the auto-configuration with {@code path} and analyzes how it failed. */
    private FailureAnalysis analyzeStartupWith(Path path) {
        FailureAnalysis[] analysis = new FailureAnalysis[1];
        runner.withPropertyValues("med42.model.path=" + path).run(context -> {
            assertThat(context).hasFailed();
            analysis[0] = analyzer.analyze(context.getStartupFailure());
        });
        assertThat(analysis[0]).isNotNull();
        return analysis[0];
    }

    /** A copy of the test model with its metadata changed. */
    private Path storiesWith(UnaryOperator<GGUFWriter> change) throws IOException {
        Path file = Files.createTempFile(dir, "changed", ".gguf");
        try (GGUFFile stories = GGUFFile.open(TestModels.stories())) {
            change.apply(GGUFWriter.copyOf(stories)).write(file);
        }
        return file;
    }
}
