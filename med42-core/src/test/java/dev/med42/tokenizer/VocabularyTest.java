package dev.med42.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.med42.testing.TestData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocabularyTest {
    @TempDir
    Path dir;

    @Test
    void reads_the_llama2_vocabulary() {
        Vocabulary v = LlamaCppAgreementTest.llama2().vocabulary();
        assertThat(v.size()).isEqualTo(32000);
        assertThat(v.bos()).hasValue(1);
        assertThat(v.eos()).hasValue(2);
        assertThat(v.unknown()).hasValue(0);
        assertThat(v.padding()).isEmpty();
        assertThat(v.addBos()).isTrue();
        assertThat(v.addEos()).isFalse();
        assertThat(v.addSpacePrefix()).isTrue();
        assertThat(v.type(0)).isEqualTo(TokenType.UNKNOWN);
        assertThat(v.type(1)).isEqualTo(TokenType.CONTROL);
        assertThat(v.type(3)).isEqualTo(TokenType.BYTE);
        assertThat(v.text(3)).isEqualTo("<0x00>");
        assertThat(v.type(15043)).isEqualTo(TokenType.NORMAL);
        assertThat(v.text(15043)).isEqualTo("▁Hello");
        assertThat(v.find("▁Hello")).hasValue(15043);
        assertThat(v.find("no such piece")).isEmpty();
        assertThat(v.score(29871)).isEqualTo(-1e9f);
    }

    @Test
    void reads_stories260k_whose_converter_leaves_flags_out_and_writes_none_as_all_ones() throws IOException {
        Vocabulary v = LlamaCppAgreementTest.tokenizer(TestData.file("stories260K.gguf"))
                .vocabulary();
        assertThat(v.size()).isEqualTo(512);
        assertThat(v.addBos()).isTrue(); // no tokenizer.ggml.add_bos_token: SentencePiece adds BOS
        assertThat(v.addSpacePrefix()).isTrue();
        assertThat(v.padding()).isEmpty(); // padding_token_id = 4294967295
        assertThat(v.bos()).hasValue(1);
    }

    @Test
    void numbers_token_types_as_ggml() {
        assertThat(TokenType.values()).extracting(TokenType::code).containsExactly(0, 1, 2, 3, 4, 5, 6);
        assertThat(TokenType.fromCode(6)).hasValue(TokenType.BYTE);
        assertThat(TokenType.fromCode(7)).isEmpty();
        assertThat(TokenType.fromCode(-1)).isEmpty();
    }

    @Test
    void takes_llama_cpp_defaults_for_absent_keys() throws IOException {
        Vocabulary v = new HandMadeVocabulary()
                .set(Vocabulary.SCORES, null)
                .set(Vocabulary.TOKEN_TYPE, null)
                .load(dir);
        assertThat(v.bos()).hasValue(1);
        assertThat(v.eos()).hasValue(2);
        assertThat(v.unknown()).hasValue(0);
        assertThat(v.padding()).isEmpty();
        assertThat(v.addBos()).isTrue();
        assertThat(v.addEos()).isFalse();
        assertThat(v.addSpacePrefix()).isTrue();
        assertThat(v.score(1)).isZero();
        assertThat(v.type(1)).isEqualTo(TokenType.NORMAL);
    }

    @Test
    void reads_given_ids_and_flags() throws IOException {
        Vocabulary v = new HandMadeVocabulary()
                .normal("x", 0)
                .set(Vocabulary.BOS_ID, 2L)
                .set(Vocabulary.EOS_ID, 1)
                .set(Vocabulary.UNKNOWN_ID, 3L)
                .set(Vocabulary.PADDING_ID, 0L)
                .set(Vocabulary.ADD_BOS, false)
                .set(Vocabulary.ADD_EOS, true)
                .set(Vocabulary.ADD_SPACE_PREFIX, false)
                .load(dir);
        assertThat(v.bos()).hasValue(2);
        assertThat(v.eos()).hasValue(1);
        assertThat(v.unknown()).hasValue(3);
        assertThat(v.padding()).hasValue(0);
        assertThat(v.addBos()).isFalse();
        assertThat(v.addEos()).isTrue();
        assertThat(v.addSpacePrefix()).isFalse();
    }

    @Test
    void treats_minus_one_as_no_id_and_falls_back_to_the_default() throws IOException {
        Vocabulary v = new HandMadeVocabulary()
                .set(Vocabulary.BOS_ID, -1)
                .set(Vocabulary.EOS_ID, 0xFFFF_FFFFL)
                .load(dir);
        assertThat(v.bos()).hasValue(1);
        assertThat(v.eos()).hasValue(2);
    }

    @Test
    void has_no_default_id_beyond_a_tiny_vocabulary() throws IOException {
        Vocabulary v = new HandMadeVocabulary()
                .set(Vocabulary.TOKENS, new String[] {"<unk>", "<s>"})
                .set(Vocabulary.SCORES, null)
                .set(Vocabulary.TOKEN_TYPE, null)
                .set(Vocabulary.ADD_EOS, true)
                .load(dir);
        assertThat(v.bos()).hasValue(1);
        assertThat(v.eos()).isEqualTo(OptionalInt.empty());
        var tokenizer = new SentencePieceTokenizer(v);
        assertThat(tokenizer.encode("", false, false)).isEmpty();
        assertThatThrownBy(() -> tokenizer.encode("", true, false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the vocabulary asks for EOS but has none");
    }

    @Test
    void names_an_unsupported_tokenizer_model() {
        assertThatThrownBy(() ->
                        new HandMadeVocabulary().set(Vocabulary.MODEL, "gpt2").load(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unsupported tokenizer model 'gpt2' (tokenizer.ggml.model): only 'llama', the"
                        + " SentencePiece tokenizer of Llama 2, is supported");
    }

    @Test
    void rejects_metadata_without_a_tokenizer() {
        assertThatThrownBy(() ->
                        new HandMadeVocabulary().set(Vocabulary.MODEL, null).load(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no tokenizer.ggml.model: the file holds no tokenizer");
        assertThatThrownBy(() ->
                        new HandMadeVocabulary().set(Vocabulary.TOKENS, null).load(dir))
                .hasMessage("no tokenizer.ggml.tokens: the vocabulary has no tokens");
        assertThatThrownBy(() -> new HandMadeVocabulary()
                        .set(Vocabulary.TOKENS, new String[0])
                        .set(Vocabulary.SCORES, null)
                        .set(Vocabulary.TOKEN_TYPE, null)
                        .load(dir))
                .hasMessage("tokenizer.ggml.tokens is empty");
    }

    @Test
    void rejects_arrays_of_the_wrong_kind() {
        assertThatThrownBy(() -> new HandMadeVocabulary()
                        .set(Vocabulary.TOKENS, new int[] {1, 2, 3})
                        .load(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tokenizer.ggml.tokens is an array of INT32, expected string elements");
        assertThatThrownBy(() -> new HandMadeVocabulary()
                        .set(Vocabulary.TOKEN_TYPE, new float[] {1, 1, 1})
                        .load(dir))
                .hasMessage("tokenizer.ggml.token_type is an array of FLOAT32, expected int32 elements");
    }

    @Test
    void rejects_scores_and_types_that_do_not_cover_every_token() {
        assertThatThrownBy(() -> new HandMadeVocabulary()
                        .set(Vocabulary.SCORES, new float[] {0, 0})
                        .load(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tokenizer.ggml.scores has 2 entries but tokenizer.ggml.tokens has 3 tokens");
        assertThatThrownBy(() -> new HandMadeVocabulary()
                        .set(Vocabulary.TOKEN_TYPE, new int[] {2, 3, 3, 1})
                        .load(dir))
                .hasMessage("tokenizer.ggml.token_type has 4 entries but tokenizer.ggml.tokens has 3 tokens");
    }

    @Test
    void rejects_a_token_type_ggml_does_not_define() {
        assertThatThrownBy(() -> new HandMadeVocabulary()
                        .set(Vocabulary.TOKEN_TYPE, new int[] {2, 3, 7})
                        .load(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tokenizer.ggml.token_type[2] is 7, not a ggml token type (0 to 6)");
    }

    @Test
    void rejects_special_ids_outside_the_vocabulary() {
        assertThatThrownBy(() ->
                        new HandMadeVocabulary().set(Vocabulary.BOS_ID, 3L).load(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tokenizer.ggml.bos_token_id = 3 is outside the vocabulary of 3 tokens");
        assertThatThrownBy(() ->
                        new HandMadeVocabulary().set(Vocabulary.PADDING_ID, -7).load(dir))
                .hasMessage("tokenizer.ggml.padding_token_id = -7 is outside the vocabulary of 3 tokens");
        assertThatThrownBy(() ->
                        new HandMadeVocabulary().set(Vocabulary.EOS_ID, "2").load(dir))
                .hasMessage("tokenizer.ggml.eos_token_id is STRING, expected an integer");
    }

    @Test
    void rejects_two_tokens_with_the_same_text() {
        assertThatThrownBy(() -> new HandMadeVocabulary()
                        .normal("ab", 0)
                        .normal("ab", -1)
                        .load(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tokenizer.ggml.tokens: tokens 3 and 4 have the same text 'ab'");
    }

    @Test
    void rejects_a_byte_token_that_does_not_name_a_byte() {
        assertThatThrownBy(() -> new HandMadeVocabulary()
                        .add("<0xG1>", 0, TokenType.BYTE)
                        .load(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("byte token 3 is '<0xG1>', expected <0xNN>");
        assertThatThrownBy(() ->
                        new HandMadeVocabulary().add("x", 0, TokenType.BYTE).load(dir))
                .hasMessage("byte token 3 is 'x', expected <0xNN>");
    }

    @Test
    void rejects_a_score_that_cannot_be_ranked() {
        assertThatThrownBy(() -> new HandMadeVocabulary().normal("a", Float.NaN).load(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tokenizer.ggml.scores[3] is NaN, which cannot be ranked");
    }

    @Test
    void names_empty_tokens_as_llama_cpp_does() throws IOException {
        Vocabulary v = new HandMadeVocabulary().normal("", 0).load(dir);
        assertThat(v.text(3)).isEqualTo("[EMPTY_3]");
    }

    @Test
    void makes_end_of_turn_markers_control_tokens_as_llama_cpp_does() throws IOException {
        Vocabulary v = new HandMadeVocabulary()
                .normal("<|im_end|>", 0)
                .add("<PRE>", 0, TokenType.USER_DEFINED)
                .normal("<SUF>", 0)
                .load(dir);
        assertThat(v.type(3)).isEqualTo(TokenType.CONTROL);
        assertThat(v.type(4)).isEqualTo(TokenType.CONTROL);
        assertThat(v.type(5)).isEqualTo(TokenType.CONTROL);

        // A fill-in-the-middle marker is looked for by its text only when the file does not give its id.
        Vocabulary given = new HandMadeVocabulary()
                .add("<PRE>", 0, TokenType.USER_DEFINED)
                .set("tokenizer.ggml.fim_pre_token_id", 0L)
                .load(dir);
        assertThat(given.type(3)).isEqualTo(TokenType.USER_DEFINED);
    }

    @Test
    void rejects_token_ids_outside_the_vocabulary() {
        Vocabulary v = LlamaCppAgreementTest.llama2().vocabulary();
        assertThatThrownBy(() -> v.text(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("token -1 is outside the vocabulary of 32000 tokens");
    }
}
