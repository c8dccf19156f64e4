package dev.med42.spring.autoconfigure.server;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The server as an application runs it, on loopback and a real (tiny) model: two slots, no queue (so that a third
 * request is refused), {@value #CONTEXT_SIZE} tokens per slot. The test classes share this one application.
 */
@SpringBootTest(
        classes = ServerTestApplication.class,
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.main.banner-mode=off",
            "server.address=127.0.0.1",
            "med42.server.enabled=true",
            "med42.server.slots=2",
            "med42.server.queue-limit=0",
            "med42.model.context-size=" + ServerIT.CONTEXT_SIZE,
        })
abstract class ServerIT {
    /** Long enough that a generation to the end of the context takes a while, for the disconnect test. */
    static final int CONTEXT_SIZE = 4096;

    @DynamicPropertySource
    static void model(DynamicPropertyRegistry registry) {
        registry.add("med42.model.path", () -> Http.model().toString());
    }

    @LocalServerPort
    int port;

    @Autowired
    ServedModel served;

    final JsonMapper json = JsonMapper.builder().build();
    Http http;

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    static String chat(String extra) {
        return "{\"model\": \"med42\", \"messages\": [{\"role\": \"user\", \"content\": \"What is a fever?\"}]"
                + (extra.isEmpty() ? "" : ", " + extra) + "}";
    }
}
