package dev.med42.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.model.ModelProvider;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The builder's remote mode; nothing is sent here (see {@link RemoteReplayTest}). */
class RemoteBuilderTest {
    private static final URI SERVER = URI.create("http://gpu-node:8000");

    private static Med42ChatModel.Builder remote() {
        return Med42ChatModel.builder().baseUrl(SERVER).remoteModel("med42");
    }

    @Test
    void serves_the_remote_model_with_the_model_card_defaults() {
        try (Med42StreamingChatModel model = Med42StreamingChatModel.builder()
                .baseUrl(SERVER)
                .remoteModel("m42-health/med42-70b")
                .temperature(0.2)
                .build()) {
            assertThat(model.modelName()).isEqualTo("m42-health/med42-70b");
            assertThat(model.defaultRequestParameters().modelName()).isEqualTo("m42-health/med42-70b");
            assertThat(model.defaultRequestParameters().temperature()).isEqualTo(0.2);
            assertThat(model.defaultRequestParameters().repeatPenalty()).isEqualTo(1.1);
            assertThat(model.provider()).isEqualTo(ModelProvider.OTHER);
            assertThat(model.supportedCapabilities()).isEmpty();
        }
    }

    @Test
    void takes_exactly_one_of_the_embedded_runtime_and_a_remote_server() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> remote().model(TestModels.shared()).build())
                .withMessageContaining("exactly one of modelPath, model and sessionPool")
                .withMessageContaining("or baseUrl");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> remote().contextSize(4096).build())
                .withMessageContaining("are for the embedded runtime");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Med42ChatModel.builder()
                        .model(TestModels.shared())
                        .readTimeout(Duration.ofSeconds(5))
                        .build())
                .withMessageContaining("set baseUrl too");
    }

    @Test
    void needs_the_servers_root_and_the_name_it_serves_the_model_under() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Med42ChatModel.builder().baseUrl(SERVER).build())
                .withMessageContaining("remoteModel is required");
        assertThatIllegalArgumentException()
                .isThrownBy(() ->
                        remote().baseUrl(URI.create("http://gpu-node:8000/v1/")).build())
                .withMessageContaining("without /v1");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> remote().baseUrl(URI.create("gpu-node:8000")).build())
                .withMessageContaining("http or https URL");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> remote().apiKey(" ").build())
                .withMessageContaining("apiKey");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> remote().readTimeout(Duration.ZERO).build())
                .withMessageContaining("readTimeout");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> remote().maxRetries(-1).build())
                .withMessageContaining("maxRetries");
        assertThat(remote().baseUrl(URI.create("https://gateway.example/med42/"))
                        .build())
                .as("a root with a path of its own")
                .isNotNull();
    }

    @Test
    void says_what_it_cannot_know_about_a_remote_server() {
        Med42ChatModel model = remote().build();

        assertThatThrownBy(model::contextSize)
                .isExactlyInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("--max-model-len");
        assertThatThrownBy(model::tokenCountEstimator)
                .isExactlyInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("Med42TokenCountEstimator");
    }
}
