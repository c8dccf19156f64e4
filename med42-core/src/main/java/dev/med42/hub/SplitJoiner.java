package dev.med42.hub;

import dev.med42.gguf.GGUFFile;
import dev.med42.hub.DownloadListener.Phase;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.List;

/**
 * Raw parts ({@code X.gguf-split-a}, {@code -split-b}, …) joined into the one file {@code X.gguf} they were
 * cut from, and the check that a file is such a join.
 */
final class SplitJoiner {
    private static final long CHUNK = 64L << 20;

    private SplitJoiner() {}

    /**
     * Concatenates {@code parts} into {@code target}: through {@code target.incomplete}, which must open as a
     * GGUF file before it is renamed into place. Then deletes the parts.
     */
    static Path join(List<Path> parts, Path target, DownloadListener listener) throws IOException {
        String name = target.getFileName().toString();
        Path partial = target.resolveSibling(name + ".incomplete");
        long total = 0;
        for (Path part : parts) {
            total += Files.size(part);
        }
        try (DownloadLock lock = DownloadLock.acquire(target)) {
            try (FileChannel out = FileChannel.open(
                    partial,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                long done = 0;
                listener.onProgress(name, Phase.JOINING, 0, total);
                for (Path part : parts) {
                    try (FileChannel in = FileChannel.open(part, StandardOpenOption.READ)) {
                        long size = in.size();
                        for (long at = 0; at < size; ) {
                            long n = in.transferTo(at, Math.min(CHUNK, size - at), out);
                            at += n;
                            done += n;
                            listener.onProgress(name, Phase.JOINING, done, total);
                        }
                    }
                }
                out.force(true);
            }
            try (GGUFFile joined = GGUFFile.open(partial)) {
                if (joined.byteSize() != total) {
                    throw new IOException("the joined file has " + joined.byteSize() + " bytes, the parts " + total);
                }
            } catch (IOException e) {
                Files.deleteIfExists(partial);
                throw new IOException("joining " + parts + " did not make a valid GGUF file: " + e.getMessage(), e);
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            lock.fileInPlace();
        }
        for (Path part : parts) {
            Files.delete(part);
        }
        return target;
    }

    /**
     * Whether {@code file} is the join of {@code parts}: their sizes add up to its size, and each part's sha256
     * (where the listing gives one) is that of its range of the file.
     */
    static boolean isJoinOf(Path file, List<RepoFile> parts, DownloadListener listener) throws IOException {
        long total = parts.stream().mapToLong(RepoFile::size).sum();
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            if (in.size() != total) {
                return false;
            }
            String name = file.getFileName().toString();
            long from = 0;
            for (RepoFile part : parts) {
                if (part.lfsSha256().isPresent()) {
                    MessageDigest digest = Sha256.newDigest();
                    long start = from;
                    Sha256.update(
                            digest,
                            in,
                            from,
                            part.size(),
                            n -> listener.onProgress(name, Phase.VERIFYING, start + n, total));
                    if (!Sha256.hex(digest).equals(part.lfsSha256().get())) {
                        return false;
                    }
                }
                from += part.size();
            }
            listener.onProgress(name, Phase.VERIFYING, total, total);
            return true;
        }
    }
}
