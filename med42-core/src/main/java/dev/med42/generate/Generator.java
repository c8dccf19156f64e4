package dev.med42.generate;

import dev.med42.model.LlamaModel;
import dev.med42.model.LlamaSession;
import dev.med42.sampling.Sampler;
import dev.med42.tokenizer.TokenDecoder;
import java.util.Arrays;

/**
 * Generates text from a prompt on a session: evaluates the prompt (reusing the longest prefix the session
 * already holds), then samples one token at a time until EOS, a stop string, the token limit, a full
 * context or cancellation, streaming the text to a listener as it comes.
 *
 * <p>Stateless and thread-safe; the session it is given is used by the calling thread only.
 */
public final class Generator {
    private final LlamaModel model;

    public Generator(LlamaModel model) {
        this.model = model;
    }

    public GenerationResult generate(LlamaSession session, int[] prompt, GenerationOptions options) {
        return generate(session, prompt, options, TokenListener.NONE, new Cancellation());
    }

    /**
     * Generates a continuation of {@code prompt}. At the end, text still held back (an unfinished character or
     * a possible stop-string start that did not complete) is released to the listener with token id -1.
     *
     * @throws dev.med42.model.ContextOverflowException when the prompt does not fit in the session's context
     */
    public GenerationResult generate(
            LlamaSession session,
            int[] prompt,
            GenerationOptions options,
            TokenListener listener,
            Cancellation cancellation) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt has no tokens");
        }
        if (prompt.length > session.contextSize()) {
            throw new dev.med42.model.ContextOverflowException(0, prompt.length, session.contextSize());
        }
        // Reuse the cached prefix, but always evaluate at least the last prompt token to get its logits.
        int reused = Math.min(session.commonPrefixLength(prompt), prompt.length - 1);
        session.rewind(reused);
        long start = System.nanoTime();
        float[] logits = session.evaluate(Arrays.copyOfRange(prompt, reused, prompt.length));
        long promptNanos = System.nanoTime() - start;

        int vocabulary = model.config().vocabularySize();
        Sampler sampler = new Sampler(options.sampling(), vocabulary, session.contextSize());
        sampler.accept(prompt);
        int eos = model.tokenizer().vocabulary().eos().orElse(-1);
        TokenDecoder decoder = new TokenDecoder(model.tokenizer());
        StopStringMatcher stops = new StopStringMatcher(options.stopStrings());
        StringBuilder text = new StringBuilder();
        int[] generated = new int[16];
        int count = 0;
        StopReason reason = null;
        String stopString = null;

        start = System.nanoTime();
        while (reason == null) {
            if (cancellation.isCancelled()) {
                reason = StopReason.CANCELLED;
                break;
            }
            if (options.maxTokens() >= 0 && count >= options.maxTokens()) {
                reason = StopReason.LENGTH;
                break;
            }
            int token = sampler.sample(logits);
            if (token == eos) {
                reason = StopReason.EOS;
                break;
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
            } else if (session.position() >= session.contextSize()) {
                reason = StopReason.CONTEXT_FULL;
            } else {
                logits = session.step(token);
            }
        }
        if (reason != StopReason.STOP_STRING) {
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
        }
        long generationNanos = System.nanoTime() - start;
        Timings timings = new Timings(prompt.length - reused, promptNanos, count, generationNanos);
        return new GenerationResult(
                text.toString(), Arrays.copyOf(generated, count), reason, stopString, prompt.length, timings);
    }
}
