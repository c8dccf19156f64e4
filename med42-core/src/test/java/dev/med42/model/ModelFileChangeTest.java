package dev.med42.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.med42.generate.BatchScheduler;
import dev.med42.generate.GenerationOptions;
import dev.med42.generate.Generator;
import dev.med42.generate.TokenListener;
import dev.med42.sampling.SamplingParameters;
import dev.med42.testing.TestData;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model file that changes on disk while it is mapped. Deleted: on Linux (and macOS) the mapping keeps the file's
 * pages, so generation goes on as before. Truncated: the pages past the new end are gone, and reading them raises
 * SIGBUS, which the JVM turns into an InternalError; the runtime names the file instead, the process lives, and once
 * the file is whole again the model answers as before (nothing was corrupted).
 */
class ModelFileChangeTest {
    private static final GenerationOptions GREEDY =
            new GenerationOptions(SamplingParameters.defaults().withTemperature(0), 16, List.of());

    @TempDir
    Path dir;

    @Test
    void a_model_deleted_while_mapped_keeps_generating_the_same_text() throws Exception {
        Path file = Files.copy(TestData.file("stories260K.gguf"), dir.resolve("model.gguf"));
        try (LlamaModel model = LlamaModel.load(file, 2)) {
            String before = generate(model);

            Files.delete(file);

            assertThat(file).doesNotExist();
            assertThat(generate(model)).isEqualTo(before);
            assertThat(model.file().truncatedParts()).isEmpty();
        }
    }

    @Test
    void a_model_truncated_while_mapped_fails_naming_the_file_and_recovers_when_the_file_is_whole_again()
            throws Exception {
        Path original = TestData.file("stories260K.gguf");
        Path file = Files.copy(original, dir.resolve("model.gguf"));
        try (LlamaModel model = LlamaModel.load(file, 2);
                BatchScheduler scheduler =
                        new BatchScheduler(model, new BatchScheduler.Options(2, 64, KVCacheType.F16, 64, 4))) {
            String before = generate(model);
            int[] prompt = model.tokenizer().encode("Once upon a time", true, false);

            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(Files.size(file) / 2);
            }

            for (int attempt = 0; attempt < 3; attempt++) {
                assertThatThrownBy(() -> generate(model))
                        .isInstanceOf(ModelFileTruncatedException.class)
                        .hasMessageContaining("the model file " + file + " is shorter than when it was loaded")
                        .hasCauseInstanceOf(InternalError.class);
                var request = scheduler.submit(prompt, GREEDY, TokenListener.NONE);
                assertThatThrownBy(() -> request.result().get(60, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .cause()
                        .isInstanceOf(ModelFileTruncatedException.class);
            }
            assertThat(model.file().truncatedParts()).containsExactly(file);
            assertThat(scheduler.activeRequests()).isZero();

            Files.write(file, Files.readAllBytes(original)); // the same bytes again, in the same file

            assertThat(model.file().truncatedParts()).isEmpty();
            assertThat(generate(model)).isEqualTo(before);
            String scheduled = scheduler
                    .submit(prompt, GREEDY, TokenListener.NONE)
                    .result()
                    .get(60, TimeUnit.SECONDS)
                    .text();
            assertThat(scheduled).isEqualTo(before);
        }
    }

    private static String generate(LlamaModel model) {
        int[] prompt = model.tokenizer().encode("Once upon a time", true, false);
        try (LlamaSession session = model.newSession(64, KVCacheType.F16)) {
            return new Generator(model).generate(session, prompt, GREEDY).text();
        }
    }
}
