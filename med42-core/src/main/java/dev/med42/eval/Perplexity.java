package dev.med42.eval;

import dev.med42.model.LlamaSession;
import java.util.function.IntConsumer;

/**
 * Perplexity of a text, computed the way llama.cpp's {@code llama-perplexity} does, so that figures can be
 * compared: the tokens are cut into chunks of the session's context size, each evaluated from an empty cache
 * with BOS in place of its first token (when the vocabulary adds BOS), and only the second half of each chunk
 * is scored, so every scored token has at least half a context before it.
 */
public final class Perplexity {

    /**
     * @param perplexity {@code exp(mean negative log-likelihood)}
     * @param uncertainty llama.cpp's "+/-": the standard error of the mean NLL times the perplexity
     * @param chunks chunks evaluated
     * @param scoredTokens tokens scored
     */
    public record Result(double perplexity, double uncertainty, int chunks, int scoredTokens) {}

    private Perplexity() {}

    /**
     * @param tokens the tokenized text, BOS first when the vocabulary adds it
     * @param bos the BOS id to put at the start of each chunk, or -1 for none
     * @param maxChunks the most chunks to evaluate, or -1 for all
     * @param progress told the number of each chunk as it finishes
     * @throws IllegalArgumentException when the text is shorter than two contexts, as llama.cpp requires
     */
    public static Result compute(LlamaSession session, int[] tokens, int bos, int maxChunks, IntConsumer progress) {
        int context = session.contextSize();
        if (tokens.length < 2 * context) {
            throw new IllegalArgumentException("perplexity needs at least " + 2 * context + " tokens for a context of "
                    + context + "; the text has only " + tokens.length);
        }
        int chunks = tokens.length / context;
        if (maxChunks >= 0) {
            chunks = Math.min(chunks, maxChunks);
        }
        int first = context / 2;
        double nll = 0;
        double nll2 = 0;
        int count = 0;
        for (int chunk = 0; chunk < chunks; chunk++) {
            int start = chunk * context;
            int[] input = java.util.Arrays.copyOfRange(tokens, start, start + context);
            if (bos >= 0) {
                input[0] = bos;
            }
            session.reset();
            float[][] logits = session.evaluate(input, true);
            for (int j = first; j < context - 1; j++) {
                double v = negativeLogLikelihood(logits[j], tokens[start + j + 1]);
                nll += v;
                nll2 += v * v;
                count++;
            }
            progress.accept(chunk + 1);
        }
        double mean = nll / count;
        double variance = nll2 / count - mean * mean;
        double perplexity = Math.exp(mean);
        double uncertainty = variance > 0 ? Math.sqrt(variance / (count - 1)) * perplexity : 0.0;
        return new Result(perplexity, uncertainty, chunks, count);
    }

    /** {@code -log softmax(logits)[token]}, the exponentials in float and their sum in double, as llama.cpp. */
    static double negativeLogLikelihood(float[] logits, int token) {
        float max = Float.NEGATIVE_INFINITY;
        for (float logit : logits) {
            max = Math.max(max, logit);
        }
        double sum = 0;
        for (float logit : logits) {
            sum += (float) Math.exp(logit - max);
        }
        return -(logits[token] - max - Math.log(sum));
    }
}
