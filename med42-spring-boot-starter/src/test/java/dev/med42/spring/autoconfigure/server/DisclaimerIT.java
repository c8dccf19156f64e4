package dev.med42.spring.autoconfigure.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The disclaimer on chat completions goes where {@code med42.disclaimer.*} says, as in the LangChain4j adapter. */
@SpringBootTest(
        classes = ServerTestApplication.class,
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.main.banner-mode=off",
            "server.address=127.0.0.1",
            "med42.server.enabled=true",
            "med42.model.context-size=512",
            "med42.disclaimer.text=Not medical advice.",
        })
class DisclaimerIT {
    @DynamicPropertySource
    static void model(DynamicPropertyRegistry registry) {
        registry.add("med42.model.path", () -> Http.model().toString());
    }

    @LocalServerPort
    int port;

    final JsonMapper json = JsonMapper.builder().build();

    JsonNode answer(String extra) throws Exception {
        HttpResponse<String> response = new Http(port).post("/v1/chat/completions", ServerIT.chat(extra));
        assertThat(response.statusCode()).isEqualTo(200);
        return json.readTree(response.body());
    }

    List<String> streamedContents() throws Exception {
        return StreamFormatIT.events(new Http(port)
                        .post("/v1/chat/completions", ServerIT.chat("\"stream\": true, \"max_tokens\": 4"))
                        .body())
                .stream()
                .map(json::readTree)
                .map(chunk -> chunk.get("choices").get(0).get("delta").path("content"))
                .filter(JsonNode::isString)
                .map(JsonNode::stringValue)
                .toList();
    }

    @Nested
    @TestPropertySource(properties = "med42.disclaimer.position=before-answer")
    class BeforeTheAnswer {
        @Test
        void opens_the_answer_and_streams_first() throws Exception {
            JsonNode body = answer("\"max_tokens\": 4");

            assertThat(body.get("choices").get(0).get("message").get("content").stringValue())
                    .startsWith("Not medical advice.\n\n");
            List<String> contents = streamedContents();
            assertThat(contents.get(0)).isEmpty(); // the role chunk
            assertThat(contents.get(1)).isEqualTo("Not medical advice.\n\n");
        }
    }

    @Nested
    @TestPropertySource(properties = "med42.disclaimer.position=metadata-only")
    class MetadataOnly {
        @Test
        void stays_out_of_the_text_and_comes_as_a_field() throws Exception {
            JsonNode body = answer("\"max_tokens\": 4");

            assertThat(body.get("choices").get(0).get("message").get("content").stringValue())
                    .doesNotContain("Not medical advice.");
            assertThat(body.get("disclaimer").stringValue()).isEqualTo("Not medical advice.");
            assertThat(String.join("", streamedContents())).doesNotContain("Not medical advice.");
        }
    }

    @Nested
    @TestPropertySource(properties = "med42.disclaimer.enabled=false")
    class Off {
        @Test
        void is_nowhere() throws Exception {
            JsonNode body = answer("\"max_tokens\": 4");

            assertThat(body.has("disclaimer")).isFalse();
            assertThat(body.get("choices").get(0).get("message").get("content").stringValue())
                    .doesNotContain("Not medical advice.");
        }
    }

    @Nested
    class AfterTheAnswerByDefault {
        @Test
        void strips_the_disclaimer_from_an_earlier_answer_before_the_prompt_is_built() throws Exception {
            String history = "\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"},"
                    + " {\"role\": \"assistant\", \"content\": \"Hello.\\n\\nNot medical advice.\"},"
                    + " {\"role\": \"user\", \"content\": \"What is a fever?\"}], \"max_tokens\": 1";
            String clean = "\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"},"
                    + " {\"role\": \"assistant\", \"content\": \"Hello.\"},"
                    + " {\"role\": \"user\", \"content\": \"What is a fever?\"}], \"max_tokens\": 1";

            int withDisclaimer = prompt(history);

            assertThat(withDisclaimer).isEqualTo(prompt(clean));
        }

        private int prompt(String request) throws Exception {
            HttpResponse<String> response = new Http(port).post("/v1/chat/completions", "{" + request + "}");
            return json.readTree(response.body())
                    .get("usage")
                    .get("prompt_tokens")
                    .intValue();
        }
    }
}
