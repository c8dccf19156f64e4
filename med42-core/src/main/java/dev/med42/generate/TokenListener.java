package dev.med42.generate;

/**
 * Receives a generation as it happens, on the generating thread. Text arrives in order, each character
 * whole, and never includes (the start of) a stop string; concatenated, it is the result's text.
 */
@FunctionalInterface
public interface TokenListener {
    /**
     * @param token the id just generated
     * @param text the text it releases: possibly empty (an unfinished character, or text that could still be
     *     the start of a stop string), possibly more than its own piece (text held back before)
     */
    void onToken(int token, String text);

    TokenListener NONE = (token, text) -> {};
}
