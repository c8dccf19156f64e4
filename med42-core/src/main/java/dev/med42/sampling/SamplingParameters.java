package dev.med42.sampling;

/**
 * How the next token is chosen from the logits, with llama.cpp's option meanings and defaults (the
 * {@code llama-cli} flag is given for each). A value that switches a stage off is named; anything else
 * outside the documented range is an {@link IllegalArgumentException}.
 *
 * @param temperature {@code --temp}: logits are divided by it before the draw; {@code <= 0} means greedy
 *     (the highest logit after the penalties, ties to the lowest id). Default 0.8.
 * @param topK {@code --top-k}: keep the k highest logits; 0 = off. Default 40.
 * @param topP {@code --top-p}: keep the smallest set of most likely tokens whose probabilities add up to at
 *     least p; 1 = off. Default 0.95.
 * @param minP {@code --min-p}: keep tokens at least {@code minP} times as likely as the most likely one; 0
 *     = off. Default 0.05.
 * @param repeatPenalty {@code --repeat-penalty}: a recent token's logit is divided by it when positive and
 *     multiplied by it otherwise; 1 = off. Default 1.0.
 * @param repeatLastN {@code --repeat-last-n}: how many recent tokens the three penalties look at; 0 = off,
 *     -1 = the whole context. Default 64.
 * @param frequencyPenalty {@code --frequency-penalty}: subtracted from a recent token's logit once per
 *     occurrence; 0 = off. Default 0.
 * @param presencePenalty {@code --presence-penalty}: subtracted once from the logit of any recent token; 0
 *     = off. Default 0.
 * @param seed {@code --seed}: the random seed; -1 = a fresh random one each time a sampler is made.
 */
public record SamplingParameters(
        double temperature,
        int topK,
        double topP,
        double minP,
        double repeatPenalty,
        int repeatLastN,
        double frequencyPenalty,
        double presencePenalty,
        long seed) {

    /** -1: draw a random seed. */
    public static final long RANDOM_SEED = -1;

    /** llama.cpp's defaults ({@code common_params_sampling}). */
    public static final SamplingParameters DEFAULTS =
            new SamplingParameters(0.8, 40, 0.95, 0.05, 1.0, 64, 0.0, 0.0, RANDOM_SEED);

    /**
     * The settings of the Med42 model card's llama.cpp example: temperature 0.7 and repeat penalty 1.1, llama.cpp's
     * defaults otherwise. The chat integrations start from these.
     */
    public static final SamplingParameters MED42_MODEL_CARD =
            DEFAULTS.withTemperature(0.7).withRepeatPenalty(1.1);

    public SamplingParameters {
        requireFinite("temperature", temperature);
        require(topK >= 0, "topK must be >= 0 (0 = off), got " + topK);
        require(topP >= 0 && topP <= 1, "topP must be in [0, 1] (1 = off), got " + topP);
        require(minP >= 0 && minP <= 1, "minP must be in [0, 1] (0 = off), got " + minP);
        requireFinite("repeatPenalty", repeatPenalty);
        require(repeatPenalty > 0, "repeatPenalty must be > 0 (1 = off), got " + repeatPenalty);
        require(repeatLastN >= -1, "repeatLastN must be >= -1 (0 = off, -1 = context size), got " + repeatLastN);
        requireFinite("frequencyPenalty", frequencyPenalty);
        requireFinite("presencePenalty", presencePenalty);
        require(seed >= RANDOM_SEED, "seed must be >= 0, or -1 for a random seed, got " + seed);
    }

    /** The defaults; the same as {@link #DEFAULTS}. */
    public static SamplingParameters defaults() {
        return DEFAULTS;
    }

    /** Whether the highest logit is taken instead of a random draw ({@code temperature <= 0}). */
    public boolean greedy() {
        return temperature <= 0;
    }

    public SamplingParameters withTemperature(double temperature) {
        return new SamplingParameters(
                temperature, topK, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty, presencePenalty, seed);
    }

    public SamplingParameters withTopK(int topK) {
        return new SamplingParameters(
                temperature, topK, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty, presencePenalty, seed);
    }

    public SamplingParameters withTopP(double topP) {
        return new SamplingParameters(
                temperature, topK, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty, presencePenalty, seed);
    }

    public SamplingParameters withMinP(double minP) {
        return new SamplingParameters(
                temperature, topK, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty, presencePenalty, seed);
    }

    public SamplingParameters withRepeatPenalty(double repeatPenalty) {
        return new SamplingParameters(
                temperature, topK, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty, presencePenalty, seed);
    }

    public SamplingParameters withRepeatLastN(int repeatLastN) {
        return new SamplingParameters(
                temperature, topK, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty, presencePenalty, seed);
    }

    public SamplingParameters withFrequencyPenalty(double frequencyPenalty) {
        return new SamplingParameters(
                temperature, topK, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty, presencePenalty, seed);
    }

    public SamplingParameters withPresencePenalty(double presencePenalty) {
        return new SamplingParameters(
                temperature, topK, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty, presencePenalty, seed);
    }

    public SamplingParameters withSeed(long seed) {
        return new SamplingParameters(
                temperature, topK, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty, presencePenalty, seed);
    }

    private static void requireFinite(String name, double value) {
        require(Double.isFinite(value), name + " must be a finite number, got " + value);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
