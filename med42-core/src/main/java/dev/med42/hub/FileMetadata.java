package dev.med42.hub;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the Hub says about one file of a revision in the headers of {@code HEAD /{repo}/resolve/{revision}/{path}},
 * before any redirect to its storage: {@code X-Linked-Size} and {@code X-Linked-Etag} for a file stored with
 * Git LFS ({@code Content-Length} and {@code ETag} for one kept in Git), and {@code X-Repo-Commit}.
 *
 * @param size the file's size, when the headers give it
 * @param sha256 the content's sha256 in lower-case hex, when the entity tag is one (it is for LFS files)
 * @param commit the commit the revision resolved to
 */
public record FileMetadata(OptionalLong size, Optional<String> sha256, Optional<String> commit) {}
