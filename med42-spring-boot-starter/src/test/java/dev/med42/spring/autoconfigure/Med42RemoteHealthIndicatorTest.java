package dev.med42.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The {@code med42} health of a remote server: its {@code GET /health}, as vLLM and llama.cpp's server answer it. */
class Med42RemoteHealthIndicatorTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final MockWebServer server = new MockWebServer();

    @BeforeEach
    void start() throws IOException {
        server.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getPort());
    }

    @Test
    void should_be_up_when_the_server_is_healthy() throws Exception {
        server.enqueue(new MockResponse.Builder().body("").build()); // vLLM: 200, no body

        Health health = new Med42RemoteHealthIndicator(baseUrl(), "med42", TIMEOUT).health();

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails())
                .containsEntry("server", baseUrl().toString())
                .containsEntry("model", "med42")
                .containsEntry("status", 200)
                .doesNotContainKey("error");
        assertThat(server.takeRequest().getRequestLine()).isEqualTo("GET /health HTTP/1.1");
    }

    @Test
    void should_be_down_with_the_servers_words_while_it_loads() {
        server.enqueue(new MockResponse.Builder()
                .code(503)
                .body("{\"error\":{\"code\":503,\"message\":\"Loading model\",\"type\":\"unavailable_error\"}}")
                .build());

        Health health = new Med42RemoteHealthIndicator(baseUrl(), "med42", TIMEOUT).health();

        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("status", 503);
        assertThat((String) health.getDetails().get("error")).contains("Loading model");
    }

    @Test
    void should_be_down_when_the_server_cannot_be_reached() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }

        Health health =
                new Med42RemoteHealthIndicator(URI.create("http://127.0.0.1:" + closedPort), "med42", TIMEOUT).health();

        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsKey("error").doesNotContainKey("status");
    }

    @Test
    void should_keep_a_password_in_the_url_out_of_the_details() {
        server.enqueue(new MockResponse.Builder().build());

        Health health = new Med42RemoteHealthIndicator(
                        URI.create("http://user:secret@127.0.0.1:" + server.getPort() + "/"), "med42", TIMEOUT)
                .health();

        assertThat(health.getDetails().get("server").toString()).doesNotContain("secret");
    }

    @Test
    void should_be_the_med42_contributor_in_remote_mode() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        Med42AutoConfiguration.class,
                        Med42RemoteAutoConfiguration.class,
                        Med42HealthContributorAutoConfiguration.class))
                .withPropertyValues("med42.remote.base-url=" + baseUrl(), "med42.remote.model=med42")
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .doesNotHaveBean(Med42HealthIndicator.class)
                        .getBean("med42HealthIndicator")
                        .isInstanceOf(Med42RemoteHealthIndicator.class));
    }
}
