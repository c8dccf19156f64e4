package dev.med42.cli;

import dev.med42.hub.DownloadListener;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Download and load progress on stderr: a bar redrawn in place ({@code \r}) on a terminal, otherwise a line when a
 * phase of a file starts, every {@link #LINE_INTERVAL} and when it ends, so that logs stay readable. Each
 * shows bytes done and total, the rate since the phase started and the time left at that rate.
 */
final class ProgressPrinter implements DownloadListener {
    static final Duration REDRAW_INTERVAL = Duration.ofMillis(200);
    static final Duration LINE_INTERVAL = Duration.ofSeconds(10);
    private static final int BAR_WIDTH = 24;

    private final PrintStream err;
    private final boolean terminal;
    private final LongSupplier nanoTime;

    private String key; // the phase and file being shown; null between phases
    private long startNanos;
    private long startDone;
    private long lastDone;
    private long lastShown;
    private boolean barOnScreen;

    ProgressPrinter(PrintStream err, boolean terminal, LongSupplier nanoTime) {
        this.err = err;
        this.terminal = terminal;
        this.nanoTime = nanoTime;
    }

    /** Whether this process talks to a terminal, where a bar redrawn in place reads better than lines. */
    static boolean stderrIsTerminal() {
        return System.console() != null && System.console().isTerminal();
    }

    @Override
    public void onProgress(String file, Phase phase, long done, long total) {
        show(file, verb(phase), pastTense(phase), done, total);
    }

    /** A model file being read into memory (see {@link dev.med42.gguf.GGUFFile#prefetch}). */
    void onLoad(String file, long done, long total) {
        show(file, "loading", "loaded", done, total);
    }

    private void show(String file, String verb, String pastTense, long done, long total) {
        long now = nanoTime.getAsLong();
        String newKey = verb + " " + file;
        if (!newKey.equals(key) || done < lastDone) {
            endLine();
            key = newKey;
            startNanos = now;
            startDone = done;
            lastShown = now;
            if (terminal) {
                draw(file, verb, done, total, now);
            } else {
                err.println(file + ": " + verb + " " + InfoCommand.bytes(total)
                        + (done > 0 ? ", from " + InfoCommand.bytes(done) : ""));
            }
        }
        lastDone = done;
        if (done >= total) {
            if (terminal) {
                draw(file, verb, done, total, now);
                endLine();
            } else {
                err.println(file + ": " + pastTense + " " + InfoCommand.bytes(total - startDone) + " in "
                        + duration(Duration.ofNanos(now - startNanos))
                        + rate(done, now).map(r -> " (" + r + ")").orElse(""));
            }
            key = null;
        } else if (now - lastShown >= (terminal ? REDRAW_INTERVAL : LINE_INTERVAL).toNanos()) {
            lastShown = now;
            if (terminal) {
                draw(file, verb, done, total, now);
            } else {
                err.println(file + ": " + status(done, total, now));
            }
        }
    }

    @Override
    public void onRetry(String what, int attempt, Duration delay, String cause) {
        endLine();
        key = null; // the rate starts again after the pause
        err.println(
                "med42: " + what + ": attempt " + attempt + " failed (" + cause + "); retrying in " + duration(delay));
    }

    @Override
    public void onDone(String file, Path path, boolean alreadyPresent) {
        if (alreadyPresent) {
            endLine();
            err.println(file + ": already complete at " + path);
        }
    }

    private void draw(String file, String verb, long done, long total, long now) {
        int filled = total == 0 ? BAR_WIDTH : (int) (BAR_WIDTH * (double) done / total);
        String bar = "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled);
        err.print("\r" + file + " " + verb + " [" + bar + "] " + status(done, total, now) + "   ");
        err.flush();
        barOnScreen = true;
    }

    private void endLine() {
        if (barOnScreen) {
            err.println();
            barOnScreen = false;
        }
    }

    /** {@code 45.2% (17.44 GiB of 38.58 GiB), 52.3 MiB/s, 7m 20s left}, rate and time left once known. */
    private String status(long done, long total, long now) {
        double percent = total == 0 ? 100 : 100.0 * done / total;
        String status = String.format(
                Locale.ROOT, "%.1f%% (%s of %s)", percent, InfoCommand.bytes(done), InfoCommand.bytes(total));
        double seconds = (now - startNanos) / 1e9;
        if (seconds < 1 || done <= startDone) {
            return status;
        }
        double bytesPerSecond = (done - startDone) / seconds;
        Duration left = Duration.ofSeconds((long) Math.ceil((total - done) / bytesPerSecond));
        return status + ", " + InfoCommand.bytes((long) bytesPerSecond) + "/s, " + duration(left) + " left";
    }

    private Optional<String> rate(long done, long now) {
        double seconds = (now - startNanos) / 1e9;
        return seconds < 1 || done <= startDone
                ? Optional.empty()
                : Optional.of(InfoCommand.bytes((long) ((done - startDone) / seconds)) + "/s");
    }

    private static String verb(Phase phase) {
        return switch (phase) {
            case VERIFYING -> "verifying";
            case DOWNLOADING -> "downloading";
            case JOINING -> "joining";
        };
    }

    private static String pastTense(Phase phase) {
        return switch (phase) {
            case VERIFYING -> "verified";
            case DOWNLOADING -> "downloaded";
            case JOINING -> "joined";
        };
    }

    /** {@code 1h 02m}, {@code 7m 20s}, {@code 12s}. */
    static String duration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh %02dm", s / 3600, s % 3600 / 60);
        }
        if (s >= 60) {
            return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
        }
        return d.toMillis() < 1000 && d.toMillis() > 0 ? d.toMillis() + " ms" : s + "s";
    }
}
