package dev.med42.hub;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;

/**
 * Closes a response body that has delivered nothing for a while, so that a stalled download fails and is
 * resumed instead of hanging: the JDK's HTTP client times out waiting for headers, not between body bytes.
 * Closing the stream makes a blocked {@code read} return; {@link #stalled()} then tells why.
 */
final class StallGuard implements AutoCloseable {
    private final Closeable body;
    private final long timeoutNanos;
    private final Thread watcher;
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean stalled;

    StallGuard(Closeable body, Duration timeout) {
        this.body = body;
        this.timeoutNanos = timeout.toNanos();
        this.watcher = Thread.ofVirtual().name("med42-stall-guard").start(this::watch);
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

    /** Bytes arrived. */
    void progress() {
        lastProgress = System.nanoTime();
    }

    /** Whether the body was closed for receiving nothing in time. */
    boolean stalled() {
        return stalled;
    }

    @Override
    public void close() {
        watcher.interrupt();
    }
}
