package dev.med42.spring.autoconfigure.server;

import dev.med42.generate.Timings;
import java.util.Locale;

/**
 * Token counts and times of the finished requests, as Prometheus text under llama.cpp server's metric names, so that
 * dashboards made for llama.cpp read it. The speeds are per sequence (tokens over the time each sequence spent on
 * them, as llama.cpp sums its slots' times) and cover everything since startup, where llama.cpp's cover the time since
 * the last scrape. Thread-safe.
 */
final class ServerMetrics {
    private long promptTokens;
    private long promptNanos;
    private long predictedTokens;
    private long predictedNanos;

    /** Counts a finished request (cancelled ones too: their tokens were computed). */
    synchronized void record(Timings timings) {
        promptTokens += timings.promptTokens();
        promptNanos += timings.promptNanos();
        predictedTokens += timings.generatedTokens();
        predictedNanos += timings.generationNanos();
    }

    /**
     * The exposition text.
     *
     * @param processing sequences being decoded now
     * @param deferred requests waiting for a slot
     */
    synchronized String prometheus(int processing, int deferred) {
        StringBuilder out = new StringBuilder();
        metric(out, "prompt_tokens_total", "Number of prompt tokens processed.", "counter", promptTokens);
        metric(out, "prompt_seconds_total", "Prompt process time", "counter", promptNanos / 1e9);
        metric(out, "tokens_predicted_total", "Number of generation tokens processed.", "counter", predictedTokens);
        metric(out, "tokens_predicted_seconds_total", "Predict process time", "counter", predictedNanos / 1e9);
        metric(
                out,
                "prompt_tokens_seconds",
                "Average prompt throughput in tokens/s.",
                "gauge",
                perSecond(promptTokens, promptNanos));
        metric(
                out,
                "predicted_tokens_seconds",
                "Average generation throughput in tokens/s.",
                "gauge",
                perSecond(predictedTokens, predictedNanos));
        metric(out, "requests_processing", "Number of requests processing.", "gauge", processing);
        metric(out, "requests_deferred", "Number of requests deferred.", "gauge", deferred);
        return out.toString();
    }

    private static double perSecond(long tokens, long nanos) {
        return nanos == 0 ? 0 : tokens * 1e9 / nanos;
    }

    private static void metric(StringBuilder out, String name, String help, String type, double value) {
        String full = "llamacpp:" + name;
        out.append("# HELP ").append(full).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(full).append(' ').append(type).append('\n');
        out.append(full).append(' ');
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            out.append((long) value);
        } else {
            out.append(String.format(Locale.ROOT, "%.6g", value));
        }
        out.append('\n');
    }
}
