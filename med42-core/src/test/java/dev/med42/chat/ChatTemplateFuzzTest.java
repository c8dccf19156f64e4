package dev.med42.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.med42.gguf.GGUFFile;
import dev.med42.testing.TestData;
import dev.med42.tokenizer.SentencePieceTokenizer;
import dev.med42.tokenizer.Vocabulary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzz target for the Med42 template: any conversation in the right order renders, whatever its text (lone
 * surrogates, control characters, look-alike role markers, {@code </s>}); no message keeps a role marker; no marker
 * forms where message text meets the template's own text; and the prompt's only control tokens are those the template
 * places (one BOS, one EOS per earlier answer), however it is tokenized.
 *
 * <p>The input is read twice, as UTF-8 and as UTF-16LE (which gives any char, lone surrogates included), and split
 * into messages at U+001E (the ASCII record separator): a system message first, then user and assistant messages
 * taking turns; an input without a separator is one user message with the default system prompt. Seeds: {@code
 * ChatTemplateFuzzTestInputs/render/}.
 */
class ChatTemplateFuzzTest {
    private static final SentencePieceTokenizer LLAMA = llama2();
    private static final Med42ChatTemplate TEMPLATE = new Med42ChatTemplate();

    @FuzzTest
    void render(byte[] bytes) {
        check(new String(bytes, StandardCharsets.UTF_8));
        check(new String(bytes, StandardCharsets.UTF_16LE));
    }

    private static void check(String input) {
        List<ChatMessage> messages = conversation(input);

        Prompt prompt = TEMPLATE.render(messages);

        for (ChatMessage message : messages) {
            assertThat(RoleMarkers.contains(RoleMarkers.neutralise(message.text())))
                    .as("a marker survives in %s", message)
                    .isFalse();
        }
        int answers = 0;
        for (Prompt.Segment segment : prompt.segments()) {
            if (segment instanceof Prompt.Text(String text)) {
                // Neutralising the rendered text may touch the template's own markers and nothing else.
                String ownMarkersOnly = text.replace("<|system|>", "<system>")
                        .replace("<|prompter|>", "<prompter>")
                        .replace("<|assistant|>", "<assistant>");
                assertThat(RoleMarkers.neutralise(text))
                        .as("markers beyond the template's in %s", text)
                        .isEqualTo(ownMarkersOnly);
            } else if (segment == Prompt.Control.EOS) {
                answers++;
            }
        }
        int expectedAnswers = (int) messages.stream()
                .filter(m -> m.role() == ChatMessage.Role.ASSISTANT)
                .count();
        assertThat(answers).isEqualTo(expectedAnswers);

        Vocabulary vocabulary = LLAMA.vocabulary();
        int bos = vocabulary.bos().getAsInt();
        int eos = vocabulary.eos().getAsInt();
        int[] tokens = prompt.toTokens((text, special) -> LLAMA.encode(text, false, special), bos, eos);
        assertThat(tokens[0]).isEqualTo(bos);
        assertThat(Arrays.stream(tokens).filter(t -> t == bos).count()).isOne();
        assertThat(Arrays.stream(tokens).filter(t -> t == eos).count()).isEqualTo(expectedAnswers);
    }

    /** The messages of the input: see the class comment. */
    private static List<ChatMessage> conversation(String input) {
        String[] parts = input.split("\u001E", -1);
        if (parts.length == 1) {
            return List.of(ChatMessage.user(input));
        }
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(ChatMessage.system(parts[0]));
        // Turns alternate from the user's; one that would end on an answer drops it.
        int turns = (parts.length - 1) % 2 == 1 ? parts.length - 1 : parts.length - 2;
        for (int i = 0; i < turns; i++) {
            String text = parts[1 + i];
            messages.add(i % 2 == 0 ? ChatMessage.user(text) : ChatMessage.assistant(text));
        }
        return messages;
    }

    private static SentencePieceTokenizer llama2() {
        try (GGUFFile vocabulary = GGUFFile.open(TestData.file("tokenizer/ggml-vocab-llama-spm.gguf"))) {
            return new SentencePieceTokenizer(Vocabulary.from(vocabulary.metadata()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
