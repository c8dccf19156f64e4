package dev.med42.hub;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Optional;

/**
 * How often and how long to wait before trying again after a transient failure: a network error, a
 * timeout, a 5xx or a 429 answer. Waits double from {@code initialDelay} up to {@code maxDelay}; a server's
 * {@code Retry-After} is honoured instead, up to {@link #MAX_RETRY_AFTER}.
 *
 * @param maxAttempts attempts in all, the first included; a download counts failures in a row, so a
 *     transfer that made progress since the last failure starts counting again
 */
record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay) {
    /** A server that asks for a longer pause than this is not waited for: the download fails and says so. */
    static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

    RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException(
                    "need 0 <= initialDelay <= maxDelay, got " + initialDelay + ", " + maxDelay);
        }
    }

    /** The wait after failed attempt number {@code attempt} (from 1). */
    Duration delay(int attempt, Optional<Duration> retryAfter) {
        if (retryAfter.isPresent()) {
            return retryAfter.get();
        }
        Duration delay = initialDelay;
        for (int i = 1; i < attempt && delay.compareTo(maxDelay) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }

    static void sleep(Duration delay) throws InterruptedIOException {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to retry");
        }
    }
}
