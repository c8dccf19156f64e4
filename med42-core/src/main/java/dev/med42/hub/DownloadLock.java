package dev.med42.hub;

import dev.med42.hub.DownloadException.Reason;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on {@code FILE.lock} beside the file being written, so that two processes (or two
 * threads) never write the same file: the second one fails at once with {@link Reason#LOCKED}.
 *
 * <p>The lock file is deleted once the file is in place ({@link #fileInPlace}). Deleting a lock file is
 * safe here because whoever gets the lock next looks for the finished file first, and finds it.
 */
final class DownloadLock implements AutoCloseable {
    private final Path lockFile;
    private final FileChannel channel;
    private final FileLock lock;

    private DownloadLock(Path lockFile, FileChannel channel, FileLock lock) {
        this.lockFile = lockFile;
        this.channel = channel;
        this.lock = lock;
    }

    static DownloadLock acquire(Path target) throws IOException {
        Path lockFile = target.resolveSibling(target.getFileName() + ".lock");
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException heldInThisJvm) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new DownloadException(
                    Reason.LOCKED,
                    target + " is being written by another download (" + lockFile.getFileName()
                            + " is locked): wait for it to finish");
        }
        return new DownloadLock(lockFile, channel, lock);
    }

    /** The file is complete at its place: the lock file can go. */
    void fileInPlace() {
        try {
            Files.deleteIfExists(lockFile);
        } catch (IOException leftBehind) {
            // harmless: the next download locks it again
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
