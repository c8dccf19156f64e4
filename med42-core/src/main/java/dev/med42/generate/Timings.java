package dev.med42.generate;

import java.util.Locale;

/**
 * How long a generation took, as llama.cpp reports it: prompt processing (tokens evaluated to prime the
 * cache) and generation (one evaluation and one sample per new token).
 *
 * @param promptTokens tokens evaluated for the prompt (after any reused prefix)
 * @param promptNanos time spent evaluating them
 * @param generatedTokens tokens generated
 * @param generationNanos time spent evaluating and sampling them
 */
public record Timings(int promptTokens, long promptNanos, int generatedTokens, long generationNanos) {

    public double promptTokensPerSecond() {
        return perSecond(promptTokens, promptNanos);
    }

    public double generationTokensPerSecond() {
        return perSecond(generatedTokens, generationNanos);
    }

    public long totalNanos() {
        return promptNanos + generationNanos;
    }

    /** llama.cpp's end-of-run lines: prompt eval time, eval time, total time. */
    public String report() {
        return line("prompt eval time", promptNanos, promptTokens)
                + line("       eval time", generationNanos, generatedTokens)
                + String.format(
                        Locale.ROOT,
                        "      total time = %10.2f ms / %5d tokens%n",
                        totalNanos() / 1e6,
                        promptTokens + generatedTokens);
    }

    private static String line(String label, long nanos, int tokens) {
        double ms = nanos / 1e6;
        return String.format(
                Locale.ROOT,
                "%s = %10.2f ms / %5d tokens (%8.2f ms per token, %8.2f tokens per second)%n",
                label,
                ms,
                tokens,
                tokens == 0 ? 0.0 : ms / tokens,
                perSecond(tokens, nanos));
    }

    private static double perSecond(int tokens, long nanos) {
        return nanos <= 0 ? 0.0 : tokens * 1e9 / nanos;
    }
}
