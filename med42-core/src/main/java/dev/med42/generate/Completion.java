package dev.med42.generate;

import dev.med42.model.LlamaModel;
import dev.med42.sampling.Sampler;
import dev.med42.tokenizer.TokenDecoder;
import java.util.Arrays;

/**
 * One generation in progress, apart from where its logits come from: it samples each next token, turns it into
 * text (whole characters, stop strings held back), streams that to the listener and decides when to stop. The
 * single-session {@link Generator} and the batch scheduler both drive it: give it the logits after the last token
 * the model saw, and evaluate the token it returns.
 *
 * <p>Not thread-safe: driven by one thread at a time.
 */
final class Completion {
    private final GenerationOptions options;
    private final TokenListener listener;
    private final LogitsListener logitsListener;
    private final Cancellation cancellation;
    private final Sampler sampler;
    private final int eos;
    private final TokenDecoder decoder;
    private final StopStringMatcher stops;
    private final StringBuilder text = new StringBuilder();
    private final int promptTokens;
    private int[] generated = new int[16];
    private int count;
    private StopReason reason;
    private String stopString;

    Completion(
            LlamaModel model,
            int[] prompt,
            int contextSize,
            GenerationOptions options,
            TokenListener listener,
            LogitsListener logitsListener,
            Cancellation cancellation) {
        this.options = options;
        this.listener = listener;
        this.logitsListener = logitsListener;
        this.cancellation = cancellation;
        this.promptTokens = prompt.length;
        this.sampler = new Sampler(options.sampling(), model.config().vocabularySize(), contextSize);
        sampler.accept(prompt);
        this.eos = model.tokenizer().vocabulary().eos().orElse(-1);
        this.decoder = new TokenDecoder(model.tokenizer());
        this.stops = new StopStringMatcher(options.stopStrings());
    }

    /**
     * Chooses the next token from the logits after the last evaluated one.
     *
     * @param contextFull whether the context has no room for another token
     * @return the token to evaluate next, or -1 when the generation has ended (then {@link #result} is ready)
     */
    int next(float[] logits, boolean contextFull) {
        if (cancellation.isCancelled()) {
            return end(StopReason.CANCELLED);
        }
        if (options.maxTokens() >= 0 && count >= options.maxTokens()) {
            return end(StopReason.LENGTH);
        }
        int token = sampler.sample(logits);
        logitsListener.onSampled(token, logits);
        if (token == eos) {
            return end(StopReason.EOS);
        }
        if (count == generated.length) {
            generated = Arrays.copyOf(generated, count * 2);
        }
        generated[count++] = token;
        StopStringMatcher.Output out = stops.feed(decoder.accept(token));
        text.append(out.text());
        listener.onToken(token, out.text());
        if (out.stopped()) {
            reason = StopReason.STOP_STRING;
            stopString = out.stopString();
            return -1;
        }
        return contextFull ? end(StopReason.CONTEXT_FULL) : token;
    }

    /** Ends the generation now (e.g. cancelled from outside before the next token), releasing held-back text. */
    int end(StopReason why) {
        if (reason != null) {
            return -1;
        }
        reason = why;
        StopStringMatcher.Output tail = stops.feed(decoder.flush());
        String rest = tail.stopped() ? tail.text() : tail.text() + stops.flush();
        if (tail.stopped()) {
            reason = StopReason.STOP_STRING;
            stopString = tail.stopString();
        }
        if (!rest.isEmpty()) {
            text.append(rest);
            listener.onToken(-1, rest);
        }
        return -1;
    }

    boolean finished() {
        return reason != null;
    }

    int generatedTokens() {
        return count;
    }

    GenerationResult result(Timings timings) {
        if (reason == null) {
            throw new IllegalStateException("the generation has not ended");
        }
        return new GenerationResult(
                text.toString(), Arrays.copyOf(generated, count), reason, stopString, promptTokens, timings);
    }
}
