package dev.med42.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.med42.hub.DownloadListener.Phase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {
    static final long MiB = 1 << 20;
    static final String F = "med42-70b.Q4_K_M.gguf";

    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    long now;

    String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    void at(Duration d) {
        now = d.toNanos();
    }

    @Test
    void prints_lines_at_the_start_every_ten_seconds_and_at_the_end_when_not_on_a_terminal() {
        var printer = new ProgressPrinter(err, false, () -> now);

        printer.onProgress(F, Phase.DOWNLOADING, 0, 100 * MiB);
        at(Duration.ofSeconds(5));
        printer.onProgress(F, Phase.DOWNLOADING, 5 * MiB, 100 * MiB); // too soon for a line
        at(Duration.ofSeconds(10));
        printer.onProgress(F, Phase.DOWNLOADING, 10 * MiB, 100 * MiB);
        at(Duration.ofSeconds(100));
        printer.onProgress(F, Phase.DOWNLOADING, 100 * MiB, 100 * MiB);
        printer.onDone(F, Path.of("/m/" + F), false);

        assertThat(printed())
                .isEqualTo(F + ": downloading 100.00 MiB\n"
                        + F + ": 10.0% (10.00 MiB of 100.00 MiB), 1.00 MiB/s, 1m 30s left\n"
                        + F + ": downloaded 100.00 MiB in 1m 40s (1.00 MiB/s)\n");
    }

    @Test
    void shows_a_model_being_loaded_the_same_way() {
        var printer = new ProgressPrinter(err, false, () -> now);

        printer.onLoad(F, 0, 100 * MiB);
        at(Duration.ofSeconds(10));
        printer.onLoad(F, 50 * MiB, 100 * MiB);
        at(Duration.ofSeconds(20));
        printer.onLoad(F, 100 * MiB, 100 * MiB);

        assertThat(printed())
                .isEqualTo(F + ": loading 100.00 MiB\n"
                        + F + ": 50.0% (50.00 MiB of 100.00 MiB), 5.00 MiB/s, 10s left\n"
                        + F + ": loaded 100.00 MiB in 20s (5.00 MiB/s)\n");
    }

    @Test
    void a_resumed_file_counts_its_rate_from_the_bytes_it_resumed_at() {
        var printer = new ProgressPrinter(err, false, () -> now);

        printer.onProgress(F, Phase.VERIFYING, 0, 40 * MiB);
        at(Duration.ofSeconds(2));
        printer.onProgress(F, Phase.VERIFYING, 40 * MiB, 40 * MiB);
        printer.onProgress(F, Phase.DOWNLOADING, 40 * MiB, 100 * MiB);
        at(Duration.ofSeconds(32));
        printer.onProgress(F, Phase.DOWNLOADING, 100 * MiB, 100 * MiB);

        assertThat(printed())
                .isEqualTo(F + ": verifying 40.00 MiB\n"
                        + F + ": verified 40.00 MiB in 2s (20.00 MiB/s)\n"
                        + F + ": downloading 100.00 MiB, from 40.00 MiB\n"
                        + F + ": downloaded 60.00 MiB in 30s (2.00 MiB/s)\n");
    }

    @Test
    void redraws_a_bar_in_place_on_a_terminal() {
        var printer = new ProgressPrinter(err, true, () -> now);

        printer.onProgress(F, Phase.DOWNLOADING, 0, 100 * MiB);
        at(Duration.ofMillis(100));
        printer.onProgress(F, Phase.DOWNLOADING, MiB, 100 * MiB); // too soon to redraw
        at(Duration.ofSeconds(2));
        printer.onProgress(F, Phase.DOWNLOADING, 50 * MiB, 100 * MiB);
        at(Duration.ofSeconds(4));
        printer.onProgress(F, Phase.DOWNLOADING, 100 * MiB, 100 * MiB);

        assertThat(printed())
                .isEqualTo("\r" + F + " downloading [........................] 0.0% (0 bytes of 100.00 MiB)   "
                        + "\r" + F + " downloading [############............] 50.0% (50.00 MiB of 100.00 MiB),"
                        + " 25.00 MiB/s, 2s left   "
                        + "\r" + F + " downloading [########################] 100.0% (100.00 MiB of 100.00 MiB),"
                        + " 25.00 MiB/s, 0s left   \n");
    }

    @Test
    void a_retry_ends_the_bar_and_says_why_and_when() {
        var printer = new ProgressPrinter(err, true, () -> now);

        printer.onProgress(F, Phase.DOWNLOADING, 0, 100);
        printer.onRetry(F, 1, Duration.ofSeconds(2), "connection reset");
        printer.onProgress(F, Phase.DOWNLOADING, 40, 100);

        assertThat(printed())
                .isEqualTo("\r" + F + " downloading [........................] 0.0% (0 bytes of 100 bytes)   \n"
                        + "med42: " + F + ": attempt 1 failed (connection reset); retrying in 2s\n"
                        + "\r" + F + " downloading [#########...............] 40.0% (40 bytes of 100 bytes)   ");
    }

    @Test
    void says_when_a_file_was_already_complete() {
        var printer = new ProgressPrinter(err, false, () -> now);

        printer.onDone(F, Path.of("/models", F), true);

        assertThat(printed()).isEqualTo(F + ": already complete at " + Path.of("/models", F) + "\n");
    }

    @Test
    void formats_durations() {
        assertThat(ProgressPrinter.duration(Duration.ofMillis(250))).isEqualTo("250 ms");
        assertThat(ProgressPrinter.duration(Duration.ZERO)).isEqualTo("0s");
        assertThat(ProgressPrinter.duration(Duration.ofSeconds(59))).isEqualTo("59s");
        assertThat(ProgressPrinter.duration(Duration.ofSeconds(440))).isEqualTo("7m 20s");
        assertThat(ProgressPrinter.duration(Duration.ofSeconds(3720))).isEqualTo("1h 02m");
    }
}
