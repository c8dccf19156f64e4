package dev.med42.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenDecoderTest {
    private static final SentencePieceTokenizer LLAMA = LlamaCppAgreementTest.llama2();
    private static final char REPLACEMENT = '\uFFFD';

    private static int token(String text) {
        return LLAMA.vocabulary().find(text).orElseThrow();
    }

    private static int byteToken(int b) {
        return token(String.format("<0x%02X>", b));
    }

    /** What the decoder returns for each token, in order, then what flush returns. */
    private static List<String> stream(int... tokens) {
        var decoder = new TokenDecoder(LLAMA);
        List<String> outputs = new ArrayList<>();
        for (int token : tokens) {
            outputs.add(decoder.accept(token));
        }
        outputs.add(decoder.flush());
        return outputs;
    }

    @Test
    void emits_an_emoji_split_over_byte_tokens_as_one_character() {
        int[] heart = LLAMA.encode("🫀", false, false); // ▁ then F0 9F AB 80 as four byte tokens
        assertThat(heart).hasSize(5);
        assertThat(stream(heart)).containsExactly(" ", "", "", "", "🫀", "");
    }

    @Test
    void emits_a_cjk_character_split_over_byte_tokens_once_complete() {
        assertThat(LLAMA.encode("龘", false, false)).hasSize(4); // ▁ then E9 BE 98: U+9F98 has no piece
        assertThat(stream(byteToken(0xe9), byteToken(0xbe), byteToken(0x98), token("▁is")))
                .containsExactly("", "", "龘", " is", "");
    }

    @Test
    void keeps_the_leading_space_of_the_first_piece_and_hides_control_tokens() {
        assertThat(stream(1, token("▁Hello"), token("▁world"), 2)).containsExactly("", " Hello", " world", "", "");
    }

    @Test
    void replaces_a_byte_that_can_never_start_a_character_at_once() {
        assertThat(stream(byteToken(0xff), token("a"))).containsExactly(String.valueOf(REPLACEMENT), "a", "");
    }

    @Test
    void replaces_a_broken_character_once_the_next_byte_proves_it_broken() {
        // E2 82 may still become €; "a" ends that hope.
        assertThat(stream(byteToken(0xe2), byteToken(0x82), token("a"))).containsExactly("", "", REPLACEMENT + "a", "");
        // E0 80 is never valid (an overlong form), which is known as soon as 80 arrives.
        assertThat(stream(byteToken(0xe0), byteToken(0x80))).containsExactly("", REPLACEMENT + "" + REPLACEMENT, "");
    }

    @Test
    void flush_replaces_an_unfinished_character_and_starts_afresh() {
        var decoder = new TokenDecoder(LLAMA);
        assertThat(decoder.accept(byteToken(0xf0))).isEmpty();
        assertThat(decoder.accept(byteToken(0x9f))).isEmpty();
        assertThat(decoder.flush()).isEqualTo(String.valueOf(REPLACEMENT));
        assertThat(decoder.accept(byteToken(0xc3))).isEmpty();
        assertThat(decoder.accept(byteToken(0xa9))).isEqualTo("é");
        assertThat(decoder.flush()).isEmpty();
    }

    @Test
    void streams_the_same_text_as_decoding_all_bytes_at_once() {
        Random random = new Random(42);
        int[] normal = LLAMA.encode("Patient 患者 🩺 ok", false, false);
        for (int round = 0; round < 200; round++) {
            int[] tokens = new int[random.nextInt(1, 24)];
            var bytes = new ByteArrayOutputStream();
            for (int i = 0; i < tokens.length; i++) {
                // Mostly continuation and lead bytes, so that characters both complete and break.
                tokens[i] = switch (random.nextInt(4)) {
                    case 0 -> normal[random.nextInt(normal.length)];
                    case 1 -> byteToken(random.nextInt(256));
                    default -> byteToken(0x80 + random.nextInt(0x80));
                };
                bytes.writeBytes(LLAMA.piece(tokens[i]));
            }
            assertThat(String.join("", stream(tokens)))
                    .isEqualTo(new String(bytes.toByteArray(), StandardCharsets.UTF_8));
        }
    }
}
