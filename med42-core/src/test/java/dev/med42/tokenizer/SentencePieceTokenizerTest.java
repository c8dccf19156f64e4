package dev.med42.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The encoding and decoding rules, each shown on a small hand-made vocabulary or on Llama 2's. */
class SentencePieceTokenizerTest {
    @TempDir
    Path dir;

    private static int[] ids(HandMadeVocabulary vocabulary, String... texts) {
        return Arrays.stream(texts).mapToInt(vocabulary::idOf).toArray();
    }

    private static HandMadeVocabulary abc() {
        return new HandMadeVocabulary()
                .set(Vocabulary.ADD_SPACE_PREFIX, false)
                .normal("a", -5)
                .normal("b", -5)
                .normal("c", -5);
    }

    @Test
    void merges_the_highest_scoring_pair_first() throws IOException {
        var v = abc().normal("ab", -2).normal("bc", -1);
        assertThat(v.tokenizer(dir).encode("abc", false, false)).containsExactly(ids(v, "a", "bc"));

        var w = abc().normal("ab", -1).normal("bc", -2);
        assertThat(w.tokenizer(dir).encode("abc", false, false)).containsExactly(ids(w, "ab", "c"));
    }

    @Test
    void merges_the_leftmost_pair_first_among_equal_scores() throws IOException {
        var v = abc().normal("ab", -1).normal("bc", -1);
        assertThat(v.tokenizer(dir).encode("abc", false, false)).containsExactly(ids(v, "ab", "c"));

        var aa = abc().normal("aa", -1);
        assertThat(aa.tokenizer(dir).encode("aaa", false, false)).containsExactly(ids(aa, "aa", "a"));
        assertThat(aa.tokenizer(dir).encode("aaaaa", false, false)).containsExactly(ids(aa, "aa", "aa", "a"));
    }

    @Test
    void ties_negative_and_positive_zero_scores_as_equal() throws IOException {
        var v = abc().normal("ab", -0.0f).normal("bc", 0.0f);
        assertThat(v.tokenizer(dir).encode("abc", false, false)).containsExactly(ids(v, "ab", "c"));
    }

    @Test
    void keeps_merging_through_lower_scored_pieces_while_any_pair_is_a_piece() throws IOException {
        var v = abc().normal("ab", -1).normal("abc", -9);
        assertThat(v.tokenizer(dir).encode("abc", false, false)).containsExactly(ids(v, "abc"));
    }

    @Test
    void spells_characters_without_a_piece_as_byte_tokens() throws IOException {
        var v = abc().byteTokens();
        assertThat(v.tokenizer(dir).encode("aé", false, false)).containsExactly(ids(v, "a", "<0xC3>", "<0xA9>"));
    }

    @Test
    void fails_clearly_when_a_byte_has_no_token() throws IOException {
        SentencePieceTokenizer tokenizer = abc().tokenizer(dir);
        assertThatThrownBy(() -> tokenizer.encode("ab!", false, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "cannot encode byte 0x21: the vocabulary has neither <0x21> nor the byte itself as a token");
    }

    @Test
    void takes_malformed_utf8_bytes_as_llama_cpp_does() {
        SentencePieceTokenizer llama = LlamaCppAgreementTest.llama2();
        Vocabulary v = llama.vocabulary();
        // 0xFF announces a 4-byte character, so it swallows the "a" that follows, and both become bytes.
        assertThat(llama.encode(new byte[] {(byte) 0xff, 'a'}, false, false))
                .containsExactly(
                        v.find("▁").orElseThrow(),
                        v.find("<0xFF>").orElseThrow(),
                        v.find("<0x61>").orElseThrow());
    }

    private static HandMadeVocabulary spaced() {
        return new HandMadeVocabulary()
                .byteTokens()
                .normal("▁", -3)
                .normal("a", -3)
                .normal("b", -3)
                .normal("▁a", -1)
                .normal("▁b", -1)
                .add("<u>", 0, TokenType.USER_DEFINED);
    }

    @Test
    void writes_spaces_as_the_space_mark_with_one_more_in_front() throws IOException {
        var v = spaced();
        assertThat(v.tokenizer(dir).encode("a b", false, false)).containsExactly(ids(v, "▁a", "▁b"));
        assertThat(v.tokenizer(dir).encode(" b", false, false)).containsExactly(ids(v, "▁", "▁b"));

        var unprefixed = spaced().set(Vocabulary.ADD_SPACE_PREFIX, false);
        assertThat(unprefixed.tokenizer(dir).encode("a b", false, false)).containsExactly(ids(v, "a", "▁b"));
    }

    @Test
    void splits_out_user_defined_tokens_and_prefixes_a_space_after_them() throws IOException {
        var v = spaced();
        assertThat(v.tokenizer(dir).encode("a<u>b", false, false)).containsExactly(ids(v, "▁a", "<u>", "▁b"));
        assertThat(v.tokenizer(dir).encode("<u><u>", false, false)).containsExactly(ids(v, "<u>", "<u>"));
    }

    @Test
    void matches_control_and_unknown_tokens_only_when_special_tokens_are_parsed() throws IOException {
        var v = spaced();
        SentencePieceTokenizer tokenizer = v.tokenizer(dir);
        assertThat(tokenizer.encode("<s>a", false, true)).containsExactly(ids(v, "<s>", "▁a"));
        assertThat(tokenizer.encode("<s>a", true, true)).containsExactly(ids(v, "<s>", "<s>", "▁a"));
        assertThat(tokenizer.encode("b<unk>", false, true)).containsExactly(ids(v, "▁b", "<unk>"));
        assertThat(tokenizer.encode("<s>a", false, false))
                .containsExactly(ids(v, "▁", "<0x3C>", "<0x73>", "<0x3E>", "a"));
    }

    @Test
    void splits_special_tokens_longest_first_each_over_the_whole_text() throws IOException {
        // "bcd" claims its text before the shorter "ab" is looked for, although "ab" starts further left.
        var v = abc().add("ab", 0, TokenType.USER_DEFINED)
                .add("bcd", 0, TokenType.USER_DEFINED)
                .normal("d", -5);
        SentencePieceTokenizer tokenizer = v.tokenizer(dir);
        assertThat(tokenizer.encode("abcd", false, false)).containsExactly(ids(v, "a", "bcd"));
        assertThat(tokenizer.encode("abab", false, false)).containsExactly(ids(v, "ab", "ab"));
    }

    @Test
    void adds_bos_and_eos_only_as_the_vocabulary_asks() throws IOException {
        var both = spaced().set(Vocabulary.ADD_EOS, true);
        assertThat(both.tokenizer(dir).encode("a", true, false)).containsExactly(ids(both, "<s>", "▁a", "</s>"));
        assertThat(both.tokenizer(dir).encode("a", false, false)).containsExactly(ids(both, "▁a"));
        assertThat(both.tokenizer(dir).encode("", true, false)).containsExactly(ids(both, "<s>", "</s>"));

        var none = spaced().set(Vocabulary.ADD_BOS, false);
        assertThat(none.tokenizer(dir).encode("a", true, false)).containsExactly(ids(none, "▁a"));
    }

    @Test
    void renders_pieces_by_token_type() throws IOException {
        var v = new HandMadeVocabulary()
                .normal("▁a▁b", 0)
                .add("<0x41>", 0, TokenType.BYTE)
                .add("▁x▁", 0, TokenType.USER_DEFINED)
                .add("zz", 0, TokenType.UNUSED)
                .add("yy", 0, TokenType.UNDEFINED);
        SentencePieceTokenizer tokenizer = v.tokenizer(dir);
        assertThat(piece(tokenizer, v, "▁a▁b", false)).isEqualTo(" a b");
        assertThat(piece(tokenizer, v, "<0x41>", false)).isEqualTo("A");
        assertThat(piece(tokenizer, v, "▁x▁", false)).isEqualTo("▁x▁");
        assertThat(piece(tokenizer, v, "zz", true)).isEmpty();
        assertThat(piece(tokenizer, v, "yy", true)).isEmpty();
        assertThat(piece(tokenizer, v, "<s>", false)).isEmpty();
        assertThat(piece(tokenizer, v, "<s>", true)).isEqualTo("<s>");
        assertThat(piece(tokenizer, v, "<unk>", false)).isEmpty();
        assertThat(piece(tokenizer, v, "<unk>", true)).isEqualTo("<unk>");
    }

    private static String piece(SentencePieceTokenizer tokenizer, HandMadeVocabulary v, String text, boolean special) {
        return new String(tokenizer.piece(v.idOf(text), special), StandardCharsets.UTF_8);
    }

    @Test
    void decode_drops_only_the_space_prefix_of_the_first_token() {
        SentencePieceTokenizer llama = LlamaCppAgreementTest.llama2();
        int hello = llama.vocabulary().find("▁Hello").orElseThrow();
        int world = llama.vocabulary().find("▁world").orElseThrow();
        assertThat(llama.decode(new int[] {hello, world})).isEqualTo("Hello world");
        // As llama_detokenize: the first token is BOS, which takes the stripping with it.
        assertThat(llama.decode(new int[] {1, hello, world, 2})).isEqualTo(" Hello world");
        assertThat(llama.decode(new int[0])).isEmpty();
    }

    @Test
    void decode_keeps_the_space_when_the_vocabulary_adds_no_prefix() throws IOException {
        var v = spaced().set(Vocabulary.ADD_SPACE_PREFIX, false);
        assertThat(v.tokenizer(dir).decode(ids(v, "▁a", "▁b"))).isEqualTo(" a b");
    }

    @Test
    void rejects_token_ids_outside_the_vocabulary() {
        SentencePieceTokenizer llama = LlamaCppAgreementTest.llama2();
        assertThatThrownBy(() -> llama.piece(32000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("token 32000 is outside the vocabulary of 32000 tokens");
        assertThatThrownBy(() -> llama.decode(new int[] {-1})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void round_trips_text_through_encode_and_decode() {
        SentencePieceTokenizer llama = LlamaCppAgreementTest.llama2();
        for (String text : new String[] {
            "", " ", "  two  spaces  ", "tab\tand\nnewline\n", "Ünïcödé 日本語 🫀👍🏽", "<s>not special</s>"
        }) {
            assertThat(llama.decode(llama.encode(text, false, false))).isEqualTo(text);
            // With BOS first, the space prefix survives decoding (and the empty text has no prefix at all).
            assertThat(llama.decode(llama.encode(text, true, false))).isEqualTo(text.isEmpty() ? "" : " " + text);
        }
    }

    @Test
    void encodes_100_kilobytes_quickly() {
        SentencePieceTokenizer llama = LlamaCppAgreementTest.llama2();
        String unit = "Patient is a 67-year-old male with a history of hypertension and type 2 diabetes who presents"
                + " with chest pain radiating to the left arm for two hours. Troponin 0.04 ng/mL; ECG: ST ↑ in"
                + " V2–V4. 患者は胸痛を訴えている。 Plan: aspirin 325 mg, heparin 🩺.\n";
        String text = unit.repeat(100_000 / unit.getBytes(StandardCharsets.UTF_8).length + 1);
        String sameLetter = "a".repeat(100_000);
        llama.encode(text, true, false); // warm up the JIT
        long start = System.nanoTime();
        int[] tokens = llama.encode(text, true, false);
        int[] letters = llama.encode(sameLetter, true, false);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                "encoded %,d + %,d bytes into %,d + %,d tokens in %.3f s (%,.0f tokens/s)%n",
                text.getBytes(StandardCharsets.UTF_8).length,
                sameLetter.length(),
                tokens.length,
                letters.length,
                seconds,
                (tokens.length + letters.length) / seconds);
        assertThat(llama.decode(tokens)).isEqualTo(" " + text);
        assertThat(seconds).isLessThan(2.0);
    }
}
