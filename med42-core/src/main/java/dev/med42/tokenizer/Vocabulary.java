package dev.med42.tokenizer;

import dev.med42.gguf.GGUFArray;
import dev.med42.gguf.GGUFMetadata;
import dev.med42.gguf.GGUFValue;
import dev.med42.gguf.GGUFValueType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The tokens of a SentencePiece (Llama-2) vocabulary as a GGUF file stores them: text, merge score and
 * {@link TokenType} of every token, the BOS/EOS/UNK/padding ids, and whether BOS, EOS and the leading
 * space are added when encoding. Defaults and corrections follow llama.cpp's {@code llama_vocab::load}.
 *
 * <p>Immutable and thread-safe.
 */
public final class Vocabulary {
    static final String MODEL = "tokenizer.ggml.model";
    static final String TOKENS = "tokenizer.ggml.tokens";
    static final String SCORES = "tokenizer.ggml.scores";
    static final String TOKEN_TYPE = "tokenizer.ggml.token_type";
    static final String BOS_ID = "tokenizer.ggml.bos_token_id";
    static final String EOS_ID = "tokenizer.ggml.eos_token_id";
    static final String UNKNOWN_ID = "tokenizer.ggml.unknown_token_id";
    static final String PADDING_ID = "tokenizer.ggml.padding_token_id";
    static final String ADD_BOS = "tokenizer.ggml.add_bos_token";
    static final String ADD_EOS = "tokenizer.ggml.add_eos_token";
    static final String ADD_SPACE_PREFIX = "tokenizer.ggml.add_space_prefix";

    /** Texts llama.cpp always treats as end-of-generation markers, and therefore makes CONTROL tokens. */
    private static final Set<String> END_OF_GENERATION =
            Set.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|eom_id|>", "<EOT>");

    /**
     * Markers llama.cpp looks for by text when none of {@code keys} gives their id. The token found becomes
     * a CONTROL token. (llama.cpp takes the first one its hash map yields; this takes the lowest id.)
     */
    private record Marker(List<String> keys, List<String> texts) {}

    private static final List<Marker> DETECTED_MARKERS = List.of(
            new Marker(
                    List.of("tokenizer.ggml.eot_token_id"),
                    List.of(
                            "<|eot_id|>",
                            "<|im_end|>",
                            "<|end|>",
                            "<end_of_turn>",
                            "<|endoftext|>",
                            "<EOT>",
                            "<｜end▁of▁sentence｜>")),
            new Marker(List.of("tokenizer.ggml.eom_token_id"), List.of("<|eom_id|>")),
            new Marker(
                    List.of("tokenizer.ggml.fim_pre_token_id", "tokenizer.ggml.prefix_token_id"),
                    List.of("<|fim_prefix|>", "<fim-prefix>", "<｜fim▁begin｜>", "<PRE>")),
            new Marker(
                    List.of("tokenizer.ggml.fim_suf_token_id", "tokenizer.ggml.suffix_token_id"),
                    List.of("<|fim_suffix|>", "<fim-suffix>", "<｜fim▁hole｜>", "<SUF>")),
            new Marker(
                    List.of("tokenizer.ggml.fim_mid_token_id", "tokenizer.ggml.middle_token_id"),
                    List.of("<|fim_middle|>", "<fim-middle>", "<｜fim▁end｜>", "<MID>")),
            new Marker(List.of("tokenizer.ggml.fim_pad_token_id"), List.of("<|fim_pad|>", "<fim-pad>", "<PAD>")),
            new Marker(
                    List.of("tokenizer.ggml.fim_rep_token_id"),
                    List.of("<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>")),
            new Marker(List.of("tokenizer.ggml.fim_sep_token_id"), List.of("<|file_sep|>")));

    private final String[] texts;
    private final byte[][] pieces; // the texts in UTF-8, which is what the tokenizer matches
    private final float[] scores;
    private final TokenType[] types;
    private final PieceIndex index;
    private final int[] byteTokens; // byte value -> token that spells it, or -1
    private final int[] specialTokens; // split out of text before the merges, longest first
    private final OptionalInt bos;
    private final OptionalInt eos;
    private final OptionalInt unknown;
    private final OptionalInt padding;
    private final boolean addBos;
    private final boolean addEos;
    private final boolean addSpacePrefix;

    private Vocabulary(GGUFMetadata metadata) {
        String model = metadata.getString(MODEL)
                .orElseThrow(() -> new IllegalArgumentException("no " + MODEL + ": the file holds no tokenizer"));
        if (!model.equals("llama")) {
            throw new IllegalArgumentException("unsupported tokenizer model '" + model + "' (" + MODEL
                    + "): only 'llama', the SentencePiece tokenizer of Llama 2, is supported");
        }
        texts = array(metadata, TOKENS, GGUFValueType.STRING)
                .orElseThrow(() -> new IllegalArgumentException("no " + TOKENS + ": the vocabulary has no tokens"))
                .strings();
        int n = texts.length;
        if (n == 0) {
            throw new IllegalArgumentException(TOKENS + " is empty");
        }
        for (int id = 0; id < n; id++) {
            if (texts[id].isEmpty()) {
                texts[id] = "[EMPTY_" + id + "]"; // llama.cpp's stand-in, so that text still names one token
            }
        }
        scores = array(metadata, SCORES, GGUFValueType.FLOAT32)
                .map(GGUFArray::floats)
                .orElseGet(() -> new float[n]);
        requireLength(SCORES, scores.length, n);
        for (int id = 0; id < n; id++) {
            if (Float.isNaN(scores[id])) {
                throw new IllegalArgumentException(SCORES + "[" + id + "] is NaN, which cannot be ranked");
            }
        }
        types = readTypes(metadata, n);

        pieces = new byte[n][];
        for (int id = 0; id < n; id++) {
            pieces[id] = texts[id].getBytes(StandardCharsets.UTF_8);
            if (types[id] == TokenType.BYTE) {
                byteValue(id); // fail now rather than when the token is decoded
            }
        }
        try {
            index = new PieceIndex(pieces);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(TOKENS + ": " + e.getMessage(), e);
        }
        promoteMarkers(metadata);

        byteTokens = new int[256];
        for (int b = 0; b < 256; b++) {
            byte[] hex = String.format("<0x%02X>", b).getBytes(StandardCharsets.US_ASCII);
            int token = index.find(hex, 0, hex.length);
            byteTokens[b] = token >= 0 ? token : index.find(new byte[] {(byte) b}, 0, 1);
        }
        specialTokens = IntStream.range(0, n)
                .filter(id -> switch (types[id]) {
                    case CONTROL, USER_DEFINED, UNKNOWN -> true;
                    default -> false;
                })
                .boxed()
                .sorted(Comparator.comparingInt((Integer id) -> -pieces[id].length)) // stable: ties by id
                .mapToInt(Integer::intValue)
                .toArray();

        bos = specialId(metadata, BOS_ID, 1);
        eos = specialId(metadata, EOS_ID, 2);
        unknown = specialId(metadata, UNKNOWN_ID, 0);
        padding = specialId(metadata, PADDING_ID, -1);
        addBos = metadata.getBoolean(ADD_BOS).orElse(true);
        addEos = metadata.getBoolean(ADD_EOS).orElse(false);
        addSpacePrefix = metadata.getBoolean(ADD_SPACE_PREFIX).orElse(true);
    }

    /**
     * Reads the vocabulary from GGUF metadata.
     *
     * @throws IllegalArgumentException when the tokenizer is not SentencePiece ({@code tokenizer.ggml.model}
     *     other than {@code llama}) or the metadata is inconsistent: the message names the key and the token
     */
    public static Vocabulary from(GGUFMetadata metadata) {
        return new Vocabulary(metadata);
    }

    public int size() {
        return texts.length;
    }

    /** The token's text as stored: "▁" for spaces, {@code <0x0A>} for byte tokens. */
    public String text(int token) {
        return texts[checkToken(token)];
    }

    public float score(int token) {
        return scores[checkToken(token)];
    }

    public TokenType type(int token) {
        return types[checkToken(token)];
    }

    /** The token whose text is exactly {@code text}, of any type. */
    public OptionalInt find(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int token = index.find(bytes, 0, bytes.length);
        return token >= 0 ? OptionalInt.of(token) : OptionalInt.empty();
    }

    public OptionalInt bos() {
        return bos;
    }

    public OptionalInt eos() {
        return eos;
    }

    public OptionalInt unknown() {
        return unknown;
    }

    public OptionalInt padding() {
        return padding;
    }

    /** Whether encoding with special tokens starts with BOS ({@code add_bos_token}, true when absent). */
    public boolean addBos() {
        return addBos;
    }

    /** Whether encoding with special tokens ends with EOS ({@code add_eos_token}, false when absent). */
    public boolean addEos() {
        return addEos;
    }

    /** Whether text after the start or a special token gets a leading space ({@code add_space_prefix}). */
    public boolean addSpacePrefix() {
        return addSpacePrefix;
    }

    /** The token's text in UTF-8, shared: callers must not modify it. */
    byte[] piece(int token) {
        return pieces[token];
    }

    /** The token whose text is {@code text[from, from + length)}, or -1. */
    int find(byte[] text, int from, int length) {
        return index.find(text, from, length);
    }

    /** The token for one raw byte: {@code <0xNN>}, else the byte itself as text, else -1 (byte_to_token). */
    int byteToken(int b) {
        return byteTokens[b];
    }

    /** The byte a BYTE token stands for. */
    int byteValue(int token) {
        String text = texts[token];
        int high = text.length() == 6 && text.startsWith("<0x") && text.endsWith(">") ? hexDigit(text.charAt(3)) : -1;
        int low = high >= 0 ? hexDigit(text.charAt(4)) : -1;
        if (low < 0) {
            throw new IllegalArgumentException("byte token " + token + " is '" + text + "', expected <0xNN>");
        }
        return high << 4 | low;
    }

    private static int hexDigit(char c) {
        return c < 128 ? Character.digit(c, 16) : -1;
    }

    /** CONTROL, USER_DEFINED and UNKNOWN tokens, longest text first: the order llama.cpp splits them out in. */
    int[] specialTokens() {
        return specialTokens;
    }

    int checkToken(int token) {
        if (token < 0 || token >= texts.length) {
            throw new IllegalArgumentException(
                    "token " + token + " is outside the vocabulary of " + texts.length + " tokens");
        }
        return token;
    }

    private static Optional<GGUFArray> array(GGUFMetadata metadata, String key, GGUFValueType wanted) {
        Optional<GGUFArray> array = metadata.getArray(key);
        array.ifPresent(a -> {
            boolean ok = a.elementType() == wanted
                    || (wanted == GGUFValueType.FLOAT32 && a.elementType() == GGUFValueType.FLOAT64)
                    || (wanted == GGUFValueType.INT32 && a.elementType().isInteger());
            if (!ok) {
                throw new IllegalArgumentException(key + " is an array of " + a.elementType() + ", expected "
                        + wanted.name().toLowerCase(Locale.ROOT) + " elements");
            }
        });
        return array;
    }

    /**
     * A special token id. Absent, or the all-ones "none" that converters write, means llama.cpp's default,
     * which counts only if the vocabulary is that large; any other id outside the vocabulary is an error.
     */
    private OptionalInt specialId(GGUFMetadata metadata, String key, int fallback) {
        OptionalLong id = givenId(metadata, key);
        if (id.isEmpty()) {
            return fallback >= 0 && fallback < size() ? OptionalInt.of(fallback) : OptionalInt.empty();
        }
        if (id.getAsLong() < 0 || id.getAsLong() >= size()) {
            throw new IllegalArgumentException(key + " = " + metadata.get(key).orElseThrow()
                    + " is outside the vocabulary of " + size() + " tokens");
        }
        return OptionalInt.of((int) id.getAsLong());
    }

    private static OptionalLong givenId(GGUFMetadata metadata, String key) {
        GGUFValue value = metadata.get(key).orElse(null);
        if (value == null) {
            return OptionalLong.empty();
        }
        if (!value.type().isInteger()) {
            throw new IllegalArgumentException(key + " is " + value.type() + ", expected an integer");
        }
        long id = (Long) value.value();
        return id == -1 || id == 0xFFFF_FFFFL ? OptionalLong.empty() : OptionalLong.of(id);
    }

    /** Gives end-of-turn and fill-in-the-middle markers the CONTROL type, as llama.cpp does when loading. */
    private void promoteMarkers(GGUFMetadata metadata) {
        for (String text : END_OF_GENERATION) {
            find(text).ifPresent(id -> types[id] = TokenType.CONTROL);
        }
        for (Marker marker : DETECTED_MARKERS) {
            boolean given = marker.keys().stream().anyMatch(key -> {
                OptionalLong id = givenId(metadata, key);
                return id.isPresent() && id.getAsLong() >= 0 && id.getAsLong() < size();
            });
            if (!given) {
                marker.texts().stream()
                        .map(this::find)
                        .flatMapToInt(OptionalInt::stream)
                        .min()
                        .ifPresent(id -> types[id] = TokenType.CONTROL);
            }
        }
    }

    private static void requireLength(String key, int length, int tokens) {
        if (length != tokens) {
            throw new IllegalArgumentException(
                    key + " has " + length + " entries but " + TOKENS + " has " + tokens + " tokens");
        }
    }

    private static TokenType[] readTypes(GGUFMetadata metadata, int n) {
        TokenType[] result = new TokenType[n];
        Optional<GGUFArray> array = array(metadata, TOKEN_TYPE, GGUFValueType.INT32);
        if (array.isEmpty()) {
            Arrays.fill(result, TokenType.NORMAL);
            return result;
        }
        long[] codes = array.get().longs();
        requireLength(TOKEN_TYPE, codes.length, n);
        for (int id = 0; id < n; id++) {
            TokenType type = TokenType.fromCode(codes[id]).orElse(null);
            if (type == null) {
                throw new IllegalArgumentException(TOKEN_TYPE + "[" + id + "] is " + codes[id]
                        + ", not a ggml token type (0 to " + (TokenType.values().length - 1) + ")");
            }
            result[id] = type;
        }
        return result;
    }
}
