package dev.med42.spring.autoconfigure;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The health of a remote Med42 server, contributed as {@code med42}: UP when its {@code GET /health} answers 200,
 * DOWN with the status and the server's words otherwise (llama.cpp's server answers 503 "Loading model" while it
 * loads) or when it cannot be reached in time. vLLM, llama.cpp's server and {@code ./med42 serve} all have this
 * endpoint, outside their API key. Details: the server and the model name.
 */
public class Med42RemoteHealthIndicator implements HealthIndicator {
    private static final int MAX_BODY_CHARS = 200;

    private final URI server;
    private final URI health;
    private final String model;
    private final Duration timeout;
    private final HttpClient http;

    /** {@code baseUrl} is the server's root; {@code timeout} bounds the connection and the answer each. */
    public Med42RemoteHealthIndicator(URI baseUrl, String model, Duration timeout) {
        String root = baseUrl.toString();
        this.server = withoutUserInfo(baseUrl);
        this.health = URI.create((root.endsWith("/") ? root.substring(0, root.length() - 1) : root) + "/health");
        this.model = model;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
    }

    /** The URL to show: a password in it stays out of the health details. */
    private static URI withoutUserInfo(URI url) {
        if (url.getUserInfo() == null) {
            return url;
        }
        try {
            return new URI(url.getScheme(), null, url.getHost(), url.getPort(), url.getPath(), null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public Health health() {
        Health.Builder health;
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(this.health).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            health = response.statusCode() == 200 ? Health.up() : Health.down();
            health.withDetail("status", response.statusCode());
            if (response.statusCode() != 200) {
                String body = response.body().strip();
                health.withDetail(
                        "error", body.length() <= MAX_BODY_CHARS ? body : body.substring(0, MAX_BODY_CHARS) + "…");
            }
        } catch (IOException e) {
            health = Health.down().withDetail("error", e.getMessage() != null ? e.getMessage() : e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            health = Health.down().withDetail("error", "interrupted");
        }
        return health.withDetail("server", server.toString())
                .withDetail("model", model)
                .build();
    }
}
