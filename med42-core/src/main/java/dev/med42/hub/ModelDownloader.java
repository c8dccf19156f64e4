package dev.med42.hub;

import dev.med42.http.StallGuard;
import dev.med42.hub.DownloadException.Reason;
import dev.med42.hub.DownloadListener.Phase;
import dev.med42.hub.QuantSelector.Layout;
import dev.med42.hub.QuantSelector.Selection;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads a GGUF model of a given quantization from a Hugging Face repository, so that it can be opened
 * with {@code GGUFFile.open} or {@code LlamaModel.load}:
 *
 * <pre>{@code
 * try (HuggingFaceHub hub = HuggingFaceHub.fromEnvironment()) {
 *     DownloadedModel m = new ModelDownloader(hub).download(
 *             DownloadRequest.of("Q4_K_M").withDirectory(Path.of("/models")));
 *     try (LlamaModel model = LlamaModel.load(m.model())) { ... }
 * }
 * }</pre>
 *
 * <p>Each file is written to {@code FILE.incomplete} and renamed into place only once its size and sha256
 * match the hub's. A broken connection, a stall or a transient error is retried with a {@code Range} request
 * from the bytes already on disk, and so is a later run after a crash (it hashes those bytes first). A file
 * already in place with the right size and sha256 is not downloaded again. When the bytes do not match the
 * hub's size or sha256, the download fails and the {@code .incomplete} file is deleted (resuming it could
 * only give the same result). {@code FILE.lock} keeps two downloads from writing the same file: the second
 * fails at once with {@link Reason#LOCKED}. The lock file is deleted once the file is in place, and stays
 * after a failure (the next run takes it over). Thread-safe when the listener is.
 */
public final class ModelDownloader {
    private static final int BUFFER = 256 * 1024;
    // At most 18 digits, so that every number parses as a long.
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d{1,18})-(\\d{1,18})/(\\d{1,18}|\\*)");
    private static final Pattern UNSATISFIED_RANGE = Pattern.compile("bytes\\s+\\*/(\\d{1,18})");

    private final HuggingFaceHub hub;
    private final DownloadListener listener;

    public ModelDownloader(HuggingFaceHub hub) {
        this(hub, DownloadListener.NONE);
    }

    public ModelDownloader(HuggingFaceHub hub, DownloadListener listener) {
        this.hub = hub;
        this.listener = listener;
    }

    /**
     * Fetches the file(s) of the requested quantization: one file, raw parts (joined into one file when
     * asked) or gguf-split shards. A model already present, as its parts or as the file joined from them, is
     * verified and not downloaded again.
     *
     * @throws DownloadException with a message to show as it is: see {@link Reason}
     * @throws IllegalArgumentException for a malformed repository id, or a join asked of gguf-split shards
     */
    public DownloadedModel download(DownloadRequest request) throws IOException {
        String repo = request.repo();
        String revision = request.revision();
        List<RepoFile> files = hub.listFiles(repo, revision, listener);
        Selection selection = QuantSelector.select(files, request.quantization(), repo, revision);
        if (request.join() && selection.layout() == Layout.SHARDS) {
            throw new IllegalArgumentException("joining is for raw parts (-split-a, -split-b); " + selection.modelPath()
                    + " is a gguf-split shard, which the loader opens as it is");
        }
        Path directory = request.directory();
        if (selection.layout() == Layout.RAW_PARTS) {
            Path joined = localPath(directory, selection.modelPath());
            if (Files.exists(joined)) {
                if (SplitJoiner.isJoinOf(joined, selection.files(), listener)) {
                    listener.onDone(selection.modelPath(), joined, true);
                    return new DownloadedModel(joined, List.of(joined));
                }
                if (!request.join()) {
                    throw new DownloadException(
                            Reason.CHECKSUM_MISMATCH,
                            joined + " is not the join of "
                                    + selection.files().stream()
                                            .map(RepoFile::name)
                                            .toList()
                                    + " and would be opened instead of them: delete it, or join the parts to replace it");
                }
            }
        }
        var paths = new ArrayList<Path>();
        for (RepoFile file : selection.files()) {
            paths.add(downloadFile(repo, revision, file, directory));
        }
        if (selection.layout() != Layout.RAW_PARTS) {
            return new DownloadedModel(paths.getFirst(), paths);
        }
        Path stem = localPath(directory, selection.modelPath());
        if (!request.join()) {
            return new DownloadedModel(stem, paths);
        }
        SplitJoiner.join(paths, stem, listener);
        listener.onDone(selection.modelPath(), stem, false);
        return new DownloadedModel(stem, List.of(stem));
    }

    /**
     * Fetches one file of the repository into {@code directory} (under its path in the repository), unless it
     * is there already with the right size and sha256.
     *
     * @return the file's path
     */
    public Path downloadFile(String repo, String revision, RepoFile file, Path directory) throws IOException {
        Path target = localPath(directory, file.path());
        Files.createDirectories(target.getParent());
        try (DownloadLock lock = DownloadLock.acquire(target)) {
            Expected expected = expected(file, hub.fileMetadata(repo, revision, file.path(), listener));
            if (Files.exists(target) && isComplete(target, file.path(), expected)) {
                lock.fileInPlace();
                listener.onDone(file.path(), target, true);
                return target;
            }
            Path partial = target.resolveSibling(target.getFileName() + ".incomplete");
            String sha256;
            try {
                sha256 = transfer(repo, revision, file.path(), expected, partial);
            } catch (DownloadException e) {
                if (e.reason() == Reason.SIZE_MISMATCH || e.reason() == Reason.CHECKSUM_MISMATCH) {
                    Files.deleteIfExists(partial);
                }
                throw e;
            }
            if (expected.sha256().isPresent() && !expected.sha256().get().equals(sha256)) {
                Files.deleteIfExists(partial);
                throw new DownloadException(
                        Reason.CHECKSUM_MISMATCH,
                        "the sha256 of the downloaded " + file.path() + " is " + sha256 + " but the hub gives "
                                + expected.sha256().get()
                                + "; the partial file was deleted: run again to download it afresh");
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            lock.fileInPlace();
            listener.onDone(file.path(), target, false);
            return target;
        }
    }

    /** The size and sha256 to check the bytes against, once the listing and the headers agree on them. */
    private record Expected(long size, Optional<String> sha256) {}

    private static Expected expected(RepoFile file, FileMetadata headers) throws DownloadException {
        checkAgree(file.path(), file.size(), file.lfsSha256(), headers, "lists");
        return new Expected(file.size(), file.lfsSha256().or(headers::sha256));
    }

    private static void checkAgree(String path, long size, Optional<String> sha256, FileMetadata headers, String how)
            throws DownloadException {
        OptionalLong linkedSize = headers.size();
        if (linkedSize.isPresent() && linkedSize.getAsLong() != size) {
            throw new DownloadException(
                    Reason.SIZE_MISMATCH,
                    "the hub " + how + " " + path + " with " + size + " bytes but its headers say "
                            + linkedSize.getAsLong()
                            + " (X-Linked-Size): the revision may have changed meanwhile, try again");
        }
        if (sha256.isPresent() && headers.sha256().isPresent() && !sha256.equals(headers.sha256())) {
            throw new DownloadException(
                    Reason.CHECKSUM_MISMATCH,
                    "the hub " + how + " " + path + " with sha256 " + sha256.get() + " but its headers say "
                            + headers.sha256().get()
                            + " (X-Linked-Etag): the revision may have changed meanwhile, try again");
        }
    }

    private boolean isComplete(Path file, String name, Expected expected) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = in.size();
            if (size != expected.size()) {
                return false;
            }
            if (expected.sha256().isEmpty()) {
                return true;
            }
            MessageDigest digest = Sha256.newDigest();
            listener.onProgress(name, Phase.VERIFYING, 0, size);
            Sha256.update(digest, in, 0, size, n -> listener.onProgress(name, Phase.VERIFYING, n, size));
            return Sha256.hex(digest).equals(expected.sha256().get());
        }
    }

    /**
     * Brings {@code partial} to the expected size, resuming from what it holds, and returns the sha256 of its
     * content. Transient failures are retried; failures in a row without progress are counted.
     */
    private String transfer(String repo, String revision, String path, Expected expected, Path partial)
            throws IOException {
        try (FileChannel out = FileChannel.open(
                partial, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MessageDigest digest = Sha256.newDigest();
            long onDisk = out.size();
            if (onDisk > expected.size()) {
                out.truncate(0);
            } else if (onDisk > 0) {
                listener.onProgress(path, Phase.VERIFYING, 0, onDisk);
                Sha256.update(digest, out, 0, onDisk, n -> listener.onProgress(path, Phase.VERIFYING, n, onDisk));
            }
            RetryPolicy retry = hub.retryPolicy();
            int failures = 0;
            while (out.size() < expected.size()) {
                long before = out.size();
                try {
                    fetch(repo, revision, path, expected, out, digest);
                } catch (DownloadException | InterruptedIOException e) {
                    throw e;
                } catch (IOException e) {
                    failures = out.size() > before ? 1 : failures + 1;
                    String cause = HubErrors.networkMessage(e);
                    if (failures >= retry.maxAttempts()) {
                        throw new DownloadException(
                                Reason.UNAVAILABLE,
                                "downloading " + path + " failed " + failures + " times in a row (" + cause
                                        + "); run again to resume from byte " + out.size(),
                                e);
                    }
                    Duration delay = retry.delay(failures, Optional.empty());
                    listener.onRetry(path, failures, delay, cause);
                    RetryPolicy.sleep(delay);
                }
            }
            out.force(true);
            return Sha256.hex(digest);
        }
    }

    /** One request from the end of {@code out} on, appending what arrives; returns early after a restart. */
    private void fetch(
            String repo, String revision, String path, Expected expected, FileChannel out, MessageDigest digest)
            throws IOException {
        long offset = out.size();
        long size = expected.size();
        try (HubHttp.Reply reply = hub.openFile(repo, revision, path, offset, listener)) {
            // The hub's redirect carries X-Linked-* again: the file must not have changed since the HEAD.
            checkAgree(path, size, expected.sha256(), HuggingFaceHub.metadata(reply.hubHeaders(), false), "listed");
            switch (reply.status()) {
                case 206 -> {
                    String header = reply.headers().firstValue("Content-Range").orElse("");
                    Matcher range = CONTENT_RANGE.matcher(header.strip());
                    if (!range.matches() || Long.parseLong(range.group(1)) != offset) {
                        throw new DownloadException(
                                Reason.BAD_RESPONSE,
                                "asked for " + path + " from byte " + offset + ", the server sent Content-Range '"
                                        + header + "'");
                    }
                    checkTotal(path, size, range.group(3));
                }
                case 200 -> {
                    OptionalLong length = reply.headers().firstValueAsLong("Content-Length");
                    if (length.isPresent() && length.getAsLong() != size) {
                        throw sizeMismatch(path, size, length.getAsLong());
                    }
                    if (offset > 0) { // the server ignored the Range: start over
                        out.truncate(0);
                        digest.reset();
                        offset = 0;
                    }
                }
                case 416 -> { // nothing to send from offset on: what is on disk cannot be right
                    Matcher unsatisfied = UNSATISFIED_RANGE.matcher(reply.headers()
                            .firstValue("Content-Range")
                            .orElse("")
                            .strip());
                    if (unsatisfied.matches()) {
                        checkTotal(path, size, unsatisfied.group(1));
                    }
                    out.truncate(0);
                    digest.reset();
                    listener.onProgress(path, Phase.DOWNLOADING, 0, size);
                    return;
                }
                default -> throw HubErrors.error(reply, hub.subject(repo, revision, path));
            }
            copy(reply.response().body(), out, digest, offset, size, path);
        }
    }

    private static void checkTotal(String path, long size, String total) throws DownloadException {
        if (!total.equals("*") && Long.parseLong(total) != size) {
            throw sizeMismatch(path, size, Long.parseLong(total));
        }
    }

    private static DownloadException sizeMismatch(String path, long expected, long served) {
        return new DownloadException(
                Reason.SIZE_MISMATCH,
                "the server sends " + path + " with " + served + " bytes but the hub lists " + expected
                        + "; the partial file was deleted");
    }

    private void copy(InputStream body, FileChannel out, MessageDigest digest, long offset, long size, String path)
            throws IOException {
        long position = offset;
        listener.onProgress(path, Phase.DOWNLOADING, position, size);
        byte[] buffer = new byte[BUFFER];
        try (StallGuard guard = new StallGuard(body, hub.stallTimeout())) {
            InputStream guarded = guard.body();
            while (true) {
                int n;
                try {
                    n = guarded.read(buffer);
                } catch (IOException e) {
                    throw guard.stalled() ? stalled(path, position) : e;
                }
                if (n < 0) {
                    break;
                }
                if (position + n > size) {
                    throw new DownloadException(
                            Reason.SIZE_MISMATCH,
                            "the server sends more than the " + size + " bytes of " + path
                                    + "; the partial file was deleted");
                }
                write(out, ByteBuffer.wrap(buffer, 0, n), position, path);
                digest.update(buffer, 0, n);
                position += n;
                listener.onProgress(path, Phase.DOWNLOADING, position, size);
            }
            if (guard.stalled()) {
                throw stalled(path, position);
            }
        }
        if (position < size) {
            throw new IOException("the connection closed after " + position + " of " + size + " bytes");
        }
    }

    private IOException stalled(String path, long position) {
        return new IOException(
                "no data for " + hub.stallTimeout().toMillis() + " ms at byte " + position + " of " + path);
    }

    private static void write(FileChannel out, ByteBuffer bytes, long position, String path) throws DownloadException {
        try {
            while (bytes.hasRemaining()) {
                position += out.write(bytes, position);
            }
        } catch (IOException e) {
            throw new DownloadException(Reason.WRITE_FAILED, "cannot write " + path + ".incomplete: " + e, e);
        }
    }

    /** {@code directory/path} for a path of the repository, refusing any that would land outside it. */
    static Path localPath(Path directory, String repoPath) throws DownloadException {
        Path base = directory.toAbsolutePath().normalize();
        Path result = base;
        try {
            for (String segment : repoPath.split("/", -1)) {
                if (segment.isEmpty()
                        || segment.equals(".")
                        || segment.equals("..")
                        || segment.contains("\\")
                        || segment.contains(":")) {
                    throw new InvalidPathException(repoPath, "unsafe segment '" + segment + "'");
                }
                result = result.resolve(segment);
            }
        } catch (InvalidPathException e) {
            throw new DownloadException(
                    Reason.BAD_RESPONSE, "refusing the file path " + repoPath + ": " + e.getReason());
        }
        if (!result.normalize().startsWith(base) || result.equals(base)) {
            throw new DownloadException(Reason.BAD_RESPONSE, "refusing the file path " + repoPath);
        }
        return result;
    }
}
