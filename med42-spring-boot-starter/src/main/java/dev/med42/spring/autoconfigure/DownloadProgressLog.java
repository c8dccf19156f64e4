package dev.med42.spring.autoconfigure;

import dev.med42.hub.DownloadListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A download's progress in the log: a line when a file's phase starts (checking what is on disk, downloading), every
 * {@link #INTERVAL} meanwhile and when it ends, and retries as warnings. Called on the downloading thread only.
 */
final class DownloadProgressLog implements DownloadListener {
    static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final Log log = LogFactory.getLog(DownloadProgressLog.class);

    private String current; // the phase and file being logged
    private long lastLine;

    @Override
    public void onProgress(String file, Phase phase, long done, long total) {
        String key = phase + " " + file;
        long now = System.nanoTime();
        if (!key.equals(current)) {
            current = key;
            lastLine = now;
            log.info("Med42 model: " + verb(phase) + " " + file + " (" + size(total) + ")");
        } else if (done >= total) {
            current = null;
            log.info("Med42 model: " + verb(phase) + " " + file + ": done");
        } else if (now - lastLine >= INTERVAL.toNanos()) {
            lastLine = now;
            log.info("Med42 model: " + verb(phase) + " " + file + ": " + size(done) + " of " + size(total) + " ("
                    + (total == 0 ? 100 : done * 100 / total) + " %)");
        }
    }

    @Override
    public void onRetry(String what, int attempt, Duration delay, String cause) {
        log.warn("Med42 model: " + what + " failed (" + cause + "); trying again in " + delay.toSeconds()
                + " s (attempt " + (attempt + 1) + ")");
    }

    @Override
    public void onDone(String file, Path path, boolean alreadyPresent) {
        log.info("Med42 model: " + file + " is at " + path + (alreadyPresent ? " (it was there already)" : ""));
    }

    private static String verb(Phase phase) {
        return switch (phase) {
            case VERIFYING -> "checking";
            case DOWNLOADING -> "downloading";
            case JOINING -> "joining";
        };
    }

    private static String size(long bytes) {
        return bytes >= 1e9
                ? String.format(Locale.ROOT, "%.2f GB", bytes / 1e9)
                : String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
