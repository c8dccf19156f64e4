package dev.med42.spring.autoconfigure.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.med42.model.LlamaModel;
import dev.med42.spring.autoconfigure.Med42ModelLoader;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * With {@code load-on-startup=false} the server listens first and loads in the background, as llama.cpp's does:
 * llama.cpp's 503 "Loading model" until the model is there, then 200. The loading is held by a latch.
 */
@SpringBootTest(
        classes = {ServerTestApplication.class, LoadingIT.HeldLoader.class},
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.main.banner-mode=off",
            "server.address=127.0.0.1",
            "med42.server.enabled=true",
            "med42.model.load-on-startup=false",
            "med42.model.context-size=512",
        })
class LoadingIT {
    static final String LOADING =
            "{\"error\":{\"code\":503,\"message\":\"Loading model\",\"type\":\"unavailable_error\"}}";

    @DynamicPropertySource
    static void model(DynamicPropertyRegistry registry) {
        registry.add("med42.model.path", () -> Http.model().toString());
    }

    /** A loader whose loading waits for the test. */
    @TestConfiguration(proxyBeanMethods = false)
    static class HeldLoader {
        static final CountDownLatch RELEASE = new CountDownLatch(1);

        @Bean
        Med42ModelLoader med42ModelLoader() {
            return new Med42ModelLoader(Http.model()) {
                @Override
                public LlamaModel load() {
                    try {
                        RELEASE.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return super.load();
                }
            };
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    ServedModel served;

    @Test
    void answers_503_loading_model_until_the_model_is_loaded_then_200() throws Exception {
        Http http = new Http(port);

        HttpResponse<String> loading = http.get("/health");
        HttpResponse<String> completion = http.post("/v1/completions", "{\"prompt\": \"Hi\"}");

        assertThat(loading.statusCode()).isEqualTo(503);
        assertThat(loading.body()).isEqualTo(LOADING);
        assertThat(completion.statusCode()).isEqualTo(503);
        assertThat(completion.body()).isEqualTo(LOADING);

        HeldLoader.RELEASE.countDown();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!served.isReady() && Instant.now().isBefore(deadline)) {
            Thread.sleep(10);
        }

        HttpResponse<String> ready = http.get("/health");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("{\"status\":\"ok\"}");
        assertThat(http.post("/v1/completions", "{\"prompt\": \"Hi\", \"max_tokens\": 2}")
                        .statusCode())
                .isEqualTo(200);
    }
}
