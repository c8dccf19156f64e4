package dev.med42.generate;

/**
 * The outcome of a generation.
 *
 * @param text the generated text, without a stop string that ended it
 * @param tokens the generated token ids (EOS not included)
 * @param stopReason why it ended
 * @param stopString the stop string that ended it, or null
 * @param promptTokens the length of the prompt in tokens (including a reused prefix)
 * @param timings how long it took
 */
public record GenerationResult(
        String text, int[] tokens, StopReason stopReason, String stopString, int promptTokens, Timings timings) {

    public int generatedTokens() {
        return tokens.length;
    }
}
