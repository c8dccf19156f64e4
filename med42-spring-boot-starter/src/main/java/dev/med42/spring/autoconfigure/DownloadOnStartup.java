package dev.med42.spring.autoconfigure;

import dev.med42.hub.DownloadRequest;
import dev.med42.hub.DownloadedModel;
import dev.med42.hub.HuggingFaceHub;
import dev.med42.hub.ModelDownloader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Fetches the model from Hugging Face when its file is missing ({@code med42.model.download.*}), with med42-core's
 * downloader: resumed after a broken connection or an earlier interrupted run, checked against the hub's sha256,
 * progress in the log.
 */
final class DownloadOnStartup {
    private static final Log log = LogFactory.getLog(DownloadOnStartup.class);

    private final Med42Properties.Model.Download settings;

    DownloadOnStartup(Med42Properties.Model.Download settings) {
        this.settings = settings;
    }

    /**
     * The file to load: {@code path} when it exists, else the model downloaded into {@code med42.model.download.dir}
     * (by default the directory of {@code path}).
     *
     * @throws Med42ModelException when the download fails
     */
    Path fetchIfMissing(Path path) {
        if (Files.exists(path)) {
            return path;
        }
        Path directory = settings.getDir() != null
                ? settings.getDir()
                : path.toAbsolutePath().getParent();
        DownloadRequest request =
                new DownloadRequest(settings.getRepo(), settings.getRevision(), settings.getQuant(), directory, false);
        log.info("Med42 model " + path + " is missing: downloading " + request.quantization() + " of " + request.repo()
                + " at " + request.revision() + " into " + directory);
        DownloadedModel downloaded;
        try (HuggingFaceHub hub = hub()) {
            downloaded = new ModelDownloader(hub, new DownloadProgressLog()).download(request);
        } catch (IOException | IllegalArgumentException e) {
            throw new Med42ModelException(
                    path,
                    Med42ModelException.Problem.DOWNLOAD_FAILED,
                    "it does not exist, and downloading " + request.quantization() + " of " + request.repo()
                            + " failed: " + e.getMessage(),
                    e);
        }
        if (!downloaded.model().toAbsolutePath().equals(path.toAbsolutePath())) {
            log.warn("Loading the downloaded " + downloaded.model() + "; set med42.model.path to it, or the next start"
                    + " looks for " + path + " and checks the download again");
        }
        return downloaded.model();
    }

    /** The hub of {@code HF_ENDPOINT} and {@code HF_TOKEN}, unless the properties name others. */
    private HuggingFaceHub hub() {
        HuggingFaceHub.Builder hub = HuggingFaceHub.builder().environment(System::getenv);
        if (settings.getEndpoint() != null) {
            hub.endpoint(settings.getEndpoint());
        }
        if (settings.getToken() != null) {
            hub.token(settings.getToken());
        }
        return hub.build();
    }
}
