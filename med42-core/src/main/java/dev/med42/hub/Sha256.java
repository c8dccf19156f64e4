package dev.med42.hub;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.LongConsumer;

/** SHA-256, as Git LFS names its objects, computed incrementally over bytes as they arrive or lie on disk. */
final class Sha256 {
    private static final int CHUNK = 1 << 20;

    private Sha256() {}

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Feeds bytes {@code [from, from + length)} of {@code file} to {@code digest}, reporting the count so far. */
    static void update(MessageDigest digest, FileChannel file, long from, long length, LongConsumer progress)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(length, 1)));
        long done = 0;
        while (done < length) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), length - done));
            int n = file.read(buffer, from + done);
            if (n < 0) {
                throw new IOException("file ends at byte " + (from + done) + ", before byte " + (from + length));
            }
            digest.update(buffer.flip());
            done += n;
            progress.accept(done);
        }
    }
}
