package dev.med42.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.med42.chat.Disclaimer;
import dev.med42.chat.Med42ChatTemplate;
import dev.med42.model.LlamaModel;
import dev.med42.tokenizer.SentencePieceTokenizer;
import java.util.List;
import org.junit.jupiter.api.Test;

class Med42TokenCountEstimatorTest {
    private final LlamaModel model = TestModels.shared();
    private final Med42TokenCountEstimator estimator = new Med42TokenCountEstimator(model);

    /** The length of the prompt the chat model sends for {@code messages}. */
    private int promptLength(List<ChatMessage> messages) {
        SentencePieceTokenizer tokenizer = model.tokenizer();
        return new Med42ChatTemplate()
                .render(MessageMapper.toMed42(messages, Disclaimer.DEFAULT))
                .toTokens((text, special) -> tokenizer.encode(text, false, special), 1, 2)
                .length;
    }

    @Test
    void should_count_text_with_the_model_tokenizer() {
        String text = "What are the symptoms of diabetes?";

        assertThat(estimator.estimateTokenCountInText(text))
                .isEqualTo(model.tokenizer().encode(text, false, false).length);
    }

    @Test
    void should_count_a_question_as_its_whole_prompt_with_the_default_system_prompt() {
        List<ChatMessage> question = List.of(UserMessage.from("What are the symptoms of diabetes?"));

        assertThat(estimator.estimateTokenCountInMessages(question)).isEqualTo(promptLength(question));
    }

    @Test
    void should_count_a_conversation_as_its_prompt() {
        List<ChatMessage> conversation = List.of(
                SystemMessage.from("Answer briefly."),
                UserMessage.from("What is hypertension?"),
                AiMessage.from("High blood pressure."),
                UserMessage.from("How is it treated?"));

        assertThat(estimator.estimateTokenCountInMessages(conversation)).isEqualTo(promptLength(conversation));
    }

    @Test
    void should_count_each_message_as_what_it_adds_to_the_prompt() {
        List<ChatMessage> conversation = List.of(
                UserMessage.from("What is hypertension?"),
                AiMessage.from("High blood pressure."),
                UserMessage.from("How is it treated?"));

        int sum = estimator.estimateTokenCountInMessages(List.of()); // BOS and the default system prompt
        for (ChatMessage message : conversation) {
            sum += estimator.estimateTokenCountInMessage(message);
        }

        assertThat(sum).isEqualTo(estimator.estimateTokenCountInMessages(conversation));
    }

    @Test
    void should_not_count_the_disclaimer_which_never_reaches_the_model() {
        AiMessage shown = AiMessage.from(Disclaimer.DEFAULT.apply("High blood pressure."));

        assertThat(estimator.estimateTokenCountInMessage(shown))
                .isEqualTo(estimator.estimateTokenCountInMessage(AiMessage.from("High blood pressure.")));
    }

    @Test
    void should_refuse_what_the_model_cannot_read() {
        UserMessage image = UserMessage.from(TextContent.from("Look:"), ImageContent.from("https://example.com/x.png"));

        assertThatThrownBy(() -> estimator.estimateTokenCountInMessage(image))
                .isExactlyInstanceOf(UnsupportedFeatureException.class)
                .hasMessageContaining("image");
    }
}
