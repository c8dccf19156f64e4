package dev.med42.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Fuzz targets for the Llama-2 tokenizer (Med42's vocabulary): encoding any bytes never fails (the vocabulary has a
 * byte token for every byte) and gives only ids of the vocabulary; valid UTF-8 decodes back to itself; the streaming
 * decoder gives exactly the batch decoding of the same pieces, token by token, for any sequence of ids.
 *
 * <p>Seeds ({@code TokenizerFuzzTestInputs/<method>/}) are odd strings: invalid UTF-8, role markers, {@code </s>},
 * emoji, nothing at all. For {@code encode} the last two bytes of an input are its flags, {@code addSpecial} then
 * {@code parseSpecial} read from the end (an odd byte is true: the seeds end in ASCII {@code 0} or {@code 1}).
 */
class TokenizerFuzzTest {
    private static final SentencePieceTokenizer LLAMA = LlamaCppAgreementTest.llama2();
    private static final byte[] SPACE_MARK = "▁".getBytes(StandardCharsets.UTF_8);

    @FuzzTest
    void encode(FuzzedDataProvider data) {
        boolean addSpecial = data.consumeBoolean();
        boolean parseSpecial = data.consumeBoolean();
        byte[] bytes = data.consumeRemainingAsBytes();

        int[] tokens = LLAMA.encode(bytes, addSpecial, parseSpecial);

        Vocabulary vocabulary = LLAMA.vocabulary();
        int first = addSpecial ? 1 : 0;
        if (addSpecial) {
            assertThat(tokens).startsWith(vocabulary.bos().getAsInt());
        }
        for (int i = first; i < tokens.length; i++) {
            assertThat(tokens[i]).isBetween(0, vocabulary.size() - 1);
            // Text makes control and unknown tokens only when it spells them and special tokens are parsed.
            if (!parseSpecial) {
                assertThat(vocabulary.type(tokens[i])).isIn(TokenType.NORMAL, TokenType.BYTE);
            }
        }
        byte[] decoded = LLAMA.decodeBytes(tokens);
        // Text comes back as it was, unless it spells "▁" (which the vocabulary uses for a space), starts after BOS
        // (llama.cpp keeps the space in front of the first piece then), holds control tokens or is not UTF-8.
        if (!addSpecial && !parseSpecial && isUtf8(bytes) && indexOf(bytes, SPACE_MARK) < 0) {
            assertThat(decoded).as("decoded %s", Arrays.toString(tokens)).isEqualTo(bytes);
            assertThat(LLAMA.encode(new String(bytes, StandardCharsets.UTF_8), false, false))
                    .isEqualTo(tokens);
        }
    }

    /**
     * The streaming decoder against the batch decoding, for the tokens of the input as text (control tokens parsed,
     * invalid UTF-8 as byte tokens) and for the input read as big-endian 16-bit ids (any token, in any order).
     */
    @FuzzTest
    void streamingDecoder(byte[] bytes) {
        var decoder = new TokenDecoder(LLAMA);
        assertStreamsAsBatch(decoder, LLAMA.encode(bytes, true, true));
        int[] ids = new int[bytes.length / 2];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff))
                    % LLAMA.vocabulary().size();
        }
        assertStreamsAsBatch(decoder, ids); // the same decoder again: flush leaves it ready for reuse
    }

    private static void assertStreamsAsBatch(TokenDecoder decoder, int[] tokens) {
        var pieces = new ByteArrayOutputStream();
        var streamed = new StringBuilder();
        for (int token : tokens) {
            pieces.writeBytes(LLAMA.piece(token));
            streamed.append(decoder.accept(token));
        }
        streamed.append(decoder.flush());
        assertThat(streamed.toString())
                .as("tokens %s", Arrays.toString(tokens))
                .isEqualTo(new String(pieces.toByteArray(), StandardCharsets.UTF_8));
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static int indexOf(byte[] bytes, byte[] pattern) {
        for (int i = 0; i + pattern.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + pattern.length, pattern, 0, pattern.length)) {
                return i;
            }
        }
        return -1;
    }
}
