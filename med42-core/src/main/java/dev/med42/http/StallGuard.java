package dev.med42.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * Closes an HTTP response body that has delivered nothing for a while, so that a stalled download or stream fails
 * instead of hanging: the JDK client's own timeout ends when the headers arrive. Closing the body makes a blocked read
 * throw; {@link #stalled()} then tells why. Used by the Hugging Face downloader and the adapter's remote engine.
 */
public final class StallGuard implements AutoCloseable {
    private final InputStream body;
    private final long timeoutNanos;
    private final Thread watcher;
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean stalled;

    /** Starts watching {@code body}: it is closed once {@code timeout} passes without a read returning. */
    public StallGuard(InputStream body, Duration timeout) {
        this.body = body;
        this.timeoutNanos = timeout.toNanos();
        this.watcher = Thread.ofVirtual().name("med42-stall-guard").start(this::watch);
    }

    /** The body; every read that returns bytes counts as progress. */
    public InputStream body() {
        return new FilterInputStream(body) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                lastProgress = System.nanoTime();
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                lastProgress = System.nanoTime();
                return n;
            }
        };
    }

    private void watch() {
        try {
            while (true) {
                long idle = System.nanoTime() - lastProgress;
                if (idle >= timeoutNanos) {
                    stalled = true;
                    body.close();
                    return;
                }
                Thread.sleep(Duration.ofNanos(timeoutNanos - idle));
            }
        } catch (InterruptedException done) {
            // the transfer ended first
        } catch (IOException ignored) {
            // closing failed: the read fails or ends by itself
        }
    }

    /** Whether the body was closed for delivering nothing in time. */
    public boolean stalled() {
        return stalled;
    }

    @Override
    public void close() {
        watcher.interrupt();
    }
}
