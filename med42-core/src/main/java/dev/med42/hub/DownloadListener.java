package dev.med42.hub;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Progress of a {@link ModelDownloader}, called on the downloading thread. Every method does nothing by
 * default. {@code file} is the file's path in the repository (or, while joining, the joined file's name).
 */
public interface DownloadListener {
    DownloadListener NONE = new DownloadListener() {};

    /** What the bytes counted by {@link #onProgress} are doing. */
    enum Phase {
        /** Bytes already on disk being hashed: a file found complete, or the start of one being resumed. */
        VERIFYING,
        /** Bytes arriving from the network. */
        DOWNLOADING,
        /** Raw parts being copied into one file. */
        JOINING
    }

    /**
     * {@code done} of {@code total} bytes of {@code file} are through {@code phase}. Called with {@code done}
     * as it is when a phase starts, after every chunk, and with {@code done == total} at its end; {@code done}
     * goes back to 0 when a server ignores a resume request and the file starts over.
     */
    default void onProgress(String file, Phase phase, long done, long total) {}

    /**
     * Attempt {@code attempt} at {@code what} (a file's path, or the URL of a request) failed for a transient
     * {@code cause}; the next one starts after {@code delay}.
     */
    default void onRetry(String what, int attempt, Duration delay, String cause) {}

    /** {@code file} is complete at {@code path}; {@code alreadyPresent} when nothing had to be downloaded. */
    default void onDone(String file, Path path, boolean alreadyPresent) {}
}
