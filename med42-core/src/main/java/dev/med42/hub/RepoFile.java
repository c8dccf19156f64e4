package dev.med42.hub;

import java.util.Objects;
import java.util.Optional;

/**
 * One file of a Hub repository, as the tree listing describes it.
 *
 * @param path the path in the repository, {@code /}-separated
 * @param size the size in bytes (of the real file, for one stored with Git LFS)
 * @param sha256 the Git LFS object id, which is the sha256 of the content in lower-case hex; null for a
 *     file kept in Git itself (a README, a small config), whose listing gives only a Git blob id
 */
public record RepoFile(String path, long size, String sha256) {
    public RepoFile {
        Objects.requireNonNull(path, "path");
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size + " of " + path);
        }
    }

    /** The sha256 of the content, when the file is stored with Git LFS. */
    public Optional<String> lfsSha256() {
        return Optional.ofNullable(sha256);
    }

    /** The last segment of the path. */
    public String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
