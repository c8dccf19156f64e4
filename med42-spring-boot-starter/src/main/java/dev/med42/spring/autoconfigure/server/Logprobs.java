package dev.med42.spring.autoconfigure.server;

import dev.med42.generate.LogitsListener;
import dev.med42.tokenizer.SentencePieceTokenizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Log probabilities of tokens under the model's own distribution (the log-softmax of the raw logits, before any
 * sampling stage), as OpenAI's {@code logprobs} report them and evaluation harnesses need them. Collects an entry for
 * every prompt token it is shown logits for and for every generated token; EOS, which never reaches the text, is left
 * out.
 *
 * <p>Not thread-safe: it fills on the scheduler's thread, and is read there too (streaming, {@link #drain} from the
 * token listener) or once the request's result has completed, which orders the reads after the writes.
 */
final class Logprobs implements LogitsListener {
    private final SentencePieceTokenizer tokenizer;
    private final int[] prompt;
    private final int top;
    private final int eos;
    private final List<Entry> promptEntries = new ArrayList<>();
    private final List<Entry> generated = new ArrayList<>();
    private int drained;

    /** A token and its log probability, with the {@code top} most likely tokens at its position. */
    record Entry(int token, double logprob, List<Alternative> top) {}

    record Alternative(int token, double logprob) {}

    /**
     * @param prompt the prompt, whose tokens the prompt logits are about
     * @param top how many most likely tokens to list at each position
     */
    Logprobs(SentencePieceTokenizer tokenizer, int[] prompt, int top) {
        this.tokenizer = tokenizer;
        this.prompt = prompt;
        this.top = top;
        this.eos = tokenizer.vocabulary().eos().orElse(-1);
    }

    @Override
    public void onPromptLogits(int position, float[] logits) {
        promptEntries.add(entry(prompt[position + 1], logits));
    }

    @Override
    public void onSampled(int token, float[] logits) {
        if (token != eos) {
            generated.add(entry(token, logits));
        }
    }

    private Entry entry(int token, float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float logit : logits) {
            max = Math.max(max, logit);
        }
        double sum = 0;
        for (float logit : logits) {
            sum += Math.exp(logit - max);
        }
        double logSum = max + Math.log(sum);
        List<Alternative> best = new ArrayList<>(top);
        for (int t = 0; t < logits.length && top > 0; t++) {
            if (best.size() < top || logits[t] > logits[best.getLast().token()]) {
                int at = best.size();
                while (at > 0 && logits[best.get(at - 1).token()] < logits[t]) {
                    at--;
                }
                best.add(at, new Alternative(t, logits[t] - logSum));
                if (best.size() > top) {
                    best.removeLast();
                }
            }
        }
        return new Entry(token, logits[token] - logSum, List.copyOf(best));
    }

    /** Entries of the prompt tokens after the first (which nothing predicts). */
    List<Entry> prompt() {
        return promptEntries;
    }

    /** Entries of every generated token. */
    List<Entry> generated() {
        return generated;
    }

    /** Entries of the tokens generated since the last call, for a streamed chunk. */
    List<Entry> drain() {
        List<Entry> fresh = List.copyOf(generated.subList(drained, generated.size()));
        drained = generated.size();
        return fresh;
    }

    /** A token as the API shows it: its piece, control tokens by their text ({@code <s>}). */
    String text(int token) {
        return new String(tokenizer.piece(token, true), StandardCharsets.UTF_8);
    }

    /** The bytes a token adds to the text: none for control tokens. */
    byte[] textBytes(int token) {
        return tokenizer.piece(token);
    }

    /** The bytes of a token's piece, as OpenAI's {@code bytes}. */
    List<Integer> bytes(int token) {
        byte[] piece = tokenizer.piece(token, true);
        List<Integer> bytes = new ArrayList<>(piece.length);
        for (byte b : piece) {
            bytes.add(b & 0xFF);
        }
        return bytes;
    }
}
