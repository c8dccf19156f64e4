package dev.med42.generate;

/**
 * Sees the logits behind a request's tokens, for log probabilities (an OpenAI server's {@code logprobs} and {@code
 * echo}). Called on the generating thread; the row is reused once the call returns, so copy what is needed and
 * return quickly.
 */
public interface LogitsListener {
    /**
     * The logits after the prompt token at {@code position}, which predict the prompt token at {@code position + 1}.
     * Only for requests that ask for prompt logits, for every position but the last (whose logits go to {@link
     * #onSampled}).
     */
    void onPromptLogits(int position, float[] logits);

    /**
     * The logits a generated token was sampled from, and that token (EOS included), before its text reaches the
     * {@link TokenListener}.
     */
    void onSampled(int token, float[] logits);

    LogitsListener NONE = new LogitsListener() {
        @Override
        public void onPromptLogits(int position, float[] logits) {}

        @Override
        public void onSampled(int token, float[] logits) {}
    };
}
