package dev.med42.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.med42.hub.DownloadException;
import dev.med42.hub.FakeHubAccess;
import dev.med42.model.LlamaModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * {@code med42.model.download.*}: a missing model file fetched at startup from a local imitation of the Hugging Face
 * Hub (med42-core's), then loaded; its failures reported by the failure analyzer.
 */
@ExtendWith(OutputCaptureExtension.class)
class Med42DownloadOnStartupTest {
    private static final String REPO = "TheBloke/med42-70B-GGUF";
    private static final String FILE = "med42-70b.Q4_K_M.gguf";

    @TempDir
    Path dir;

    private FakeHubAccess hub;
    private ApplicationContextRunner runner;

    @BeforeEach
    void hub() throws IOException {
        hub = new FakeHubAccess();
        hub.add(REPO, FILE, Files.readAllBytes(TestModels.stories())); // a real GGUF under Med42's file name
        hub.add(REPO, "med42-70b.Q5_K_M.gguf", new byte[] {1, 2, 3});
        runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(Med42AutoConfiguration.class))
                .withPropertyValues(
                        "med42.model.context-size=" + TestModels.CONTEXT_SIZE,
                        "med42.model.download.enabled=true",
                        "med42.model.download.endpoint=" + hub.endpoint());
    }

    @AfterEach
    void closeHub() {
        hub.close();
    }

    @Test
    void should_download_a_missing_model_at_startup_then_load_it(CapturedOutput output) throws IOException {
        Path path = dir.resolve(FILE);

        runner.withPropertyValues("med42.model.path=" + path).run(context -> {
            assertThat(context).hasNotFailed();
            Med42ModelLoader loader = context.getBean(Med42ModelLoader.class);
            assertThat(loader.state()).isEqualTo(Med42ModelLoader.State.LOADED);
            assertThat(loader.path()).isEqualTo(path);
            assertThat(context.getBean(LlamaModel.class).file().path()).isEqualTo(path);
        });

        assertThat(path).hasSameBinaryContentAs(TestModels.stories());
        assertThat(output).contains("downloading Q4_K_M of " + REPO).contains("downloading " + FILE);
    }

    @Test
    void should_not_ask_the_hub_again_for_a_model_that_is_there() throws IOException {
        Path path = dir.resolve(FILE);
        Files.copy(TestModels.stories(), path);
        hub.close(); // any request would fail

        runner.withPropertyValues("med42.model.path=" + path)
                .run(context -> assertThat(
                                context.getBean(Med42ModelLoader.class).state())
                        .isEqualTo(Med42ModelLoader.State.LOADED));
    }

    @Test
    void should_download_into_the_configured_directory_and_load_the_file_it_got(CapturedOutput output) {
        Path models = dir.resolve("models");
        Path configured = dir.resolve("med42.gguf"); // not the repository's name for it

        runner.withPropertyValues("med42.model.path=" + configured, "med42.model.download.dir=" + models)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(Med42ModelLoader.class).path()).isEqualTo(models.resolve(FILE));
                });

        assertThat(models.resolve(FILE)).exists();
        assertThat(output).contains("set med42.model.path to it");
    }

    @Test
    void should_fail_startup_saying_what_could_not_be_downloaded_and_what_to_check() {
        runner.withPropertyValues("med42.model.path=" + dir.resolve(FILE), "med42.model.download.quant=Q9_X")
                .run(context -> {
                    assertThat(context).hasFailed();
                    Med42ModelException failure = Failures.find(context.getStartupFailure(), Med42ModelException.class);
                    assertThat(failure.problem()).isEqualTo(Med42ModelException.Problem.DOWNLOAD_FAILED);
                    assertThat(failure.getCause()).isInstanceOf(DownloadException.class);

                    FailureAnalysis analysis = new Med42ModelFailureAnalyzer().analyze(context.getStartupFailure());
                    assertThat(analysis.getDescription())
                            .contains("med42.model.path", "downloading Q9_X of " + REPO + " failed", "Q4_K_M");
                    assertThat(analysis.getAction())
                            .contains("med42.model.download.repo", "./med42 download --quant Q4_K_M --dir " + dir);
                });
    }

    @Test
    void should_say_when_a_gated_repository_refuses_the_token() {
        hub.gate(REPO);

        runner.withPropertyValues("med42.model.path=" + dir.resolve(FILE), "med42.model.download.token=hf_wrong")
                .run(context -> {
                    DownloadException cause = Failures.find(context.getStartupFailure(), DownloadException.class);
                    assertThat(cause.reason())
                            .isIn(DownloadException.Reason.GATED, DownloadException.Reason.UNAUTHORIZED);
                    assertThat(new Med42ModelFailureAnalyzer()
                                    .analyze(context.getStartupFailure())
                                    .getAction())
                            .contains("med42.model.download.token or HF_TOKEN");
                });

        runner.withPropertyValues("med42.model.path=" + dir.resolve(FILE), "med42.model.download.token=" + hub.token())
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void should_leave_a_missing_file_missing_without_download_and_say_how_to_get_it() {
        runner.withPropertyValues("med42.model.path=" + dir.resolve(FILE), "med42.model.download.enabled=false")
                .run(context -> {
                    Med42ModelException failure = Failures.find(context.getStartupFailure(), Med42ModelException.class);
                    assertThat(failure.problem()).isEqualTo(Med42ModelException.Problem.MISSING);
                    assertThat(new Med42ModelFailureAnalyzer()
                                    .analyze(context.getStartupFailure())
                                    .getAction())
                            .contains("med42.model.download.enabled=true");
                });
        assertThat(dir.resolve(FILE)).doesNotExist();
    }

    @Test
    void should_bind_the_download_settings() {
        runner.withPropertyValues(
                        "med42.model.path=" + dir.resolve(FILE),
                        "med42.model.load-on-startup=false",
                        "med42.model.download.repo=m42-health/other-GGUF",
                        "med42.model.download.quant=q8_0",
                        "med42.model.download.revision=v2",
                        "med42.model.download.dir=" + dir,
                        "med42.model.download.token=hf_x")
                .run(context -> {
                    var download =
                            context.getBean(Med42Properties.class).getModel().getDownload();
                    assertThat(download.isEnabled()).isTrue();
                    assertThat(download.getRepo()).isEqualTo("m42-health/other-GGUF");
                    assertThat(download.getQuant()).isEqualTo("q8_0");
                    assertThat(download.getRevision()).isEqualTo("v2");
                    assertThat(download.getDir()).isEqualTo(dir);
                    assertThat(download.getEndpoint()).hasToString(hub.endpoint());
                    assertThat(download.getToken()).isEqualTo("hf_x");
                    assertThat(context.getBean(Med42ModelLoader.class).state())
                            .as("nothing fetched before first use")
                            .isEqualTo(Med42ModelLoader.State.NOT_LOADED);
                });
        assertThat(dir.resolve(FILE)).doesNotExist();
    }
}
