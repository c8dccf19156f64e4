package dev.med42.generate;

import dev.med42.model.LlamaModel;
import dev.med42.model.LlamaSession;
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

        Completion completion = new Completion(
                model, prompt, session.contextSize(), options, listener, LogitsListener.NONE, cancellation);
        start = System.nanoTime();
        int token;
        while ((token = completion.next(logits, session.position() >= session.contextSize())) >= 0) {
            logits = session.step(token);
        }
        long generationNanos = System.nanoTime() - start;
        Timings timings =
                new Timings(prompt.length - reused, promptNanos, completion.generatedTokens(), generationNanos);
        return completion.result(timings);
    }
}
