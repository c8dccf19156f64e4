package dev.med42.spring.autoconfigure.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.med42.spring.autoconfigure.Med42ModelLoader;
import dev.med42.spring.autoconfigure.Med42Properties;
import dev.med42.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fuzz target for the server's request mapping: any bytes sent as the JSON body of {@code POST /v1/chat/completions}
 * and {@code POST /v1/completions} go through the real controllers, exception handler and generation (Spring MVC
 * without HTTP, on stories260K with a 48-token context, so that every accepted request finishes in milliseconds).
 * Each must end in a 200 whose body is a completion or a well-formed event stream, or in a 4xx with OpenAI's error
 * object; never a 5xx, and never an error event of type {@code server_error} in a stream.
 *
 * <p>Seeds ({@code RequestMappingFuzzTestInputs/requestBody/}): requests of every shape the API takes, and malformed
 * ones.
 */
class RequestMappingFuzzTest {
    private static final int CONTEXT_SIZE = 48;
    private static final JsonMapper JSON = bootJsonMapper();
    private static final Med42ModelLoader LOADER = new Med42ModelLoader(TestData.file("stories260K.gguf"), 1);
    private static final ServedModel SERVED;
    private static final MockMvc MVC;

    static {
        var properties = new Med42Properties();
        properties.getModel().setContextSize(CONTEXT_SIZE);
        properties.getServer().setSlots(2);
        LOADER.load();
        SERVED = new ServedModel(LOADER, properties);
        var metrics = new ServerMetrics();
        MVC = MockMvcBuilders.standaloneSetup(
                        new ChatCompletionsController(SERVED, JSON, properties, metrics),
                        new CompletionsController(SERVED, JSON, properties, metrics))
                .setControllerAdvice(new ApiExceptionHandler())
                .build();
    }

    @FuzzTest
    void requestBody(byte[] body) throws Exception {
        for (String endpoint : List.of("/v1/chat/completions", "/v1/completions")) {
            MvcResult result = MVC.perform(post(endpoint)
                            .contentType(MediaType.APPLICATION_JSON)
                            .content(body))
                    .andReturn();
            if (result.getRequest().isAsyncStarted()) {
                result.getAsyncResult(60_000);
                result = MVC.perform(asyncDispatch(result)).andReturn();
            }
            check(endpoint, result);
        }
    }

    private static void check(String endpoint, MvcResult result) {
        int status = result.getResponse().getStatus();
        String text = new String(result.getResponse().getContentAsByteArray(), StandardCharsets.UTF_8);
        assertThat(status).as("%s: %s", endpoint, text).isIn(200, 400);
        if (status != 200) {
            JsonNode error = JSON.readTree(text).get("error");
            assertThat(error.get("type").stringValue()).isEqualTo("invalid_request_error");
            assertThat(error.get("message").stringValue()).isNotBlank();
            return;
        }
        String contentType = result.getResponse().getContentType();
        if (contentType != null && contentType.startsWith(MediaType.TEXT_EVENT_STREAM_VALUE)) {
            assertThat(text).endsWith("data: [DONE]\n\n");
            for (String event : text.split("\n\n")) {
                assertThat(event).startsWith("data: ");
                String data = event.substring("data: ".length());
                if (!data.equals("[DONE]")) {
                    JsonNode chunk = JSON.readTree(data);
                    assertThat(chunk.has("error")).as(data).isFalse();
                    assertThat(chunk.get("object").stringValue()).isIn("chat.completion.chunk", "text_completion");
                }
            }
        } else {
            JsonNode completion = JSON.readTree(text);
            assertThat(completion.get("choices").size()).isOne();
            // The context holds every token but the last, which is sampled and never evaluated.
            assertThat(completion.at("/usage/total_tokens").intValue()).isLessThanOrEqualTo(CONTEXT_SIZE + 1);
        }
    }

    /** The JsonMapper that Spring Boot configures, as the server gets it. */
    private static JsonMapper bootJsonMapper() {
        var mapper = new AtomicReference<JsonMapper>();
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class))
                .run(context -> mapper.set(context.getBean(JsonMapper.class)));
        return mapper.get();
    }

    @AfterAll
    static void close() {
        SERVED.close();
        LOADER.close();
    }
}
