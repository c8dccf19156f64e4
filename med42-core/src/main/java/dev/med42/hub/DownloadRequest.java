package dev.med42.hub;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Which model to fetch and where to put it.
 *
 * @param repo the model repository, {@value #DEFAULT_REPO} by default ({@code OWNER/NAME})
 * @param revision a branch, tag or commit, {@code main} by default
 * @param quantization the quantization, any case: {@code Q4_K_M}
 * @param directory where the files go (created if missing), the current directory by default
 * @param join whether raw parts ({@code -split-a}, {@code -split-b}) are joined into one file, after which
 *     the parts are deleted
 * @throws IllegalArgumentException for a malformed repository id, or a blank revision or quantization
 */
public record DownloadRequest(String repo, String revision, String quantization, Path directory, boolean join) {
    public static final String DEFAULT_REPO = "TheBloke/med42-70B-GGUF";
    public static final String DEFAULT_REVISION = "main";

    public DownloadRequest {
        Objects.requireNonNull(repo, "repo");
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(quantization, "quantization");
        Objects.requireNonNull(directory, "directory");
        HuggingFaceHub.checkRepo(repo);
        if (revision.isBlank() || quantization.isBlank()) {
            throw new IllegalArgumentException("the revision and the quantization must not be blank");
        }
    }

    /** {@code quantization} of {@value #DEFAULT_REPO} at {@code main}, into the current directory. */
    public static DownloadRequest of(String quantization) {
        return new DownloadRequest(DEFAULT_REPO, DEFAULT_REVISION, quantization, Path.of(""), false);
    }

    public DownloadRequest withRepo(String repo) {
        return new DownloadRequest(repo, revision, quantization, directory, join);
    }

    public DownloadRequest withRevision(String revision) {
        return new DownloadRequest(repo, revision, quantization, directory, join);
    }

    public DownloadRequest withDirectory(Path directory) {
        return new DownloadRequest(repo, revision, quantization, directory, join);
    }

    public DownloadRequest withJoin(boolean join) {
        return new DownloadRequest(repo, revision, quantization, directory, join);
    }
}
