package dev.med42.spring.autoconfigure.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** With {@code med42.server.api-key}, the API and the metrics want {@code Authorization: Bearer KEY}; health does not. */
@SpringBootTest(
        classes = ServerTestApplication.class,
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.main.banner-mode=off",
            "server.address=127.0.0.1",
            "med42.server.enabled=true",
            "med42.server.api-key=sk-ward-7",
            "med42.model.context-size=512",
        })
class ApiKeyIT {
    @DynamicPropertySource
    static void model(DynamicPropertyRegistry registry) {
        registry.add("med42.model.path", () -> Http.model().toString());
    }

    @LocalServerPort
    int port;

    private final JsonMapper json = JsonMapper.builder().build();
    private Http http;

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    @Test
    void refuses_a_request_without_the_key_with_openai_401() throws Exception {
        HttpResponse<String> response = http.post("/v1/chat/completions", ServerIT.chat(""));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        JsonNode error = json.readTree(response.body()).get("error");
        assertThat(error.propertyNames()).containsExactly("message", "type", "param", "code");
        assertThat(error.get("type").stringValue()).isEqualTo("invalid_request_error");
        assertThat(error.get("code").stringValue()).isEqualTo("invalid_api_key");
    }

    @Test
    void refuses_a_wrong_key_on_every_api_path_and_the_metrics() throws Exception {
        String wrong = "Bearer sk-ward-8";

        assertThat(http.post("/v1/completions", "{\"prompt\": \"Hi\"}", "Authorization", wrong)
                        .statusCode())
                .isEqualTo(401);
        assertThat(http.get("/v1/models").statusCode()).isEqualTo(401);
        assertThat(http.get("/v1/nothing").statusCode()).isEqualTo(401);
        assertThat(http.get("/metrics").statusCode()).isEqualTo(401);
    }

    @Test
    void serves_a_request_with_the_key() throws Exception {
        HttpResponse<String> response = http.post(
                "/v1/chat/completions", ServerIT.chat("\"max_tokens\": 2"), "Authorization", "Bearer sk-ward-7");

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void answers_health_without_the_key() throws Exception {
        assertThat(http.get("/health").statusCode()).isEqualTo(200);
        assertThat(http.get("/v1/health").statusCode()).isEqualTo(200);
    }
}
