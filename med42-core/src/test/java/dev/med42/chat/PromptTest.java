package dev.med42.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.med42.chat.Prompt.Control;
import dev.med42.chat.Prompt.Text;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptTest {
    private static final int BOS = 1;
    private static final int EOS = 2;

    /** Encodes each character as its code + 1000, and records how it was called. */
    private final List<String> calls = new ArrayList<>();

    private final Prompt.TextEncoder fake = (text, parseSpecial) -> {
        calls.add(text + (parseSpecial ? " [special]" : ""));
        return text.chars().map(c -> c + 1000).toArray();
    };

    @Test
    void encodes_text_without_special_parsing_and_places_control_tokens_by_id() {
        Prompt prompt = new Prompt(List.of(Control.BOS, new Text("ab"), Control.EOS, new Text("</s>")));

        int[] tokens = prompt.toTokens(fake, BOS, EOS);

        assertThat(tokens).containsExactly(BOS, 1097, 1098, EOS, 1060, 1047, 1115, 1062);
        assertThat(calls).containsExactly("ab", "</s>");
    }

    @Test
    void grows_past_any_initial_capacity() {
        String longText = "x".repeat(1000);
        Prompt prompt = new Prompt(List.of(Control.BOS, new Text(longText), Control.EOS, new Text(longText)));

        int[] tokens = prompt.toTokens(fake, BOS, EOS);

        assertThat(tokens).hasSize(2002);
        assertThat(tokens[0]).isEqualTo(BOS);
        assertThat(tokens[1001]).isEqualTo(EOS);
        assertThat(tokens[2001]).isEqualTo('x' + 1000);
    }

    @Test
    void an_empty_text_gives_no_tokens() {
        assertThat(new Prompt(List.of(Control.BOS, new Text(""))).toTokens(fake, BOS, EOS))
                .containsExactly(BOS);
    }

    @Test
    void renders_control_tokens_as_their_usual_text_for_logs() {
        Prompt prompt = new Prompt(List.of(Control.BOS, new Text("a"), Control.EOS, new Text("b")));

        assertThat(prompt).hasToString("<s>a</s>b");
    }

    @Test
    void renders_the_template_to_the_ids_of_its_parts() {
        Prompt prompt = new Med42ChatTemplate("S")
                .render(List.of(ChatMessage.user("q"), ChatMessage.assistant("a"), ChatMessage.user("r")));

        int[] tokens = prompt.toTokens(fake, BOS, EOS);

        assertThat(calls)
                .containsExactly(
                        "<|system|>: S\n<|prompter|>:q\n<|assistant|>:\na", "<|prompter|>:r\n<|assistant|>:\n");
        assertThat(tokens[0]).isEqualTo(BOS);
        assertThat(tokens).containsOnlyOnce(BOS, EOS);
        assertThat(tokens[calls.get(0).length() + 1]).isEqualTo(EOS);
    }

    @Test
    void is_immutable() {
        List<Prompt.Segment> segments = new ArrayList<>(List.of(Control.BOS));
        Prompt prompt = new Prompt(segments);
        segments.add(Control.EOS);

        assertThat(prompt.segments()).containsExactly(Control.BOS);
    }
}
