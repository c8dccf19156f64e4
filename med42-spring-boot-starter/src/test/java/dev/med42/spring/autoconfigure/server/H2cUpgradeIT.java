package dev.med42.spring.autoconfigure.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What the JDK's HTTP client sends by default on plain HTTP, an offer to upgrade to HTTP/2 ({@code Upgrade: h2c}), is
 * declined and the request answered over HTTP/1.1.
 */
class H2cUpgradeIT extends ServerIT {

    @Test
    void answers_the_jdk_http_client_at_its_default_version() throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) { // HTTP_2: offers h2c on http://
            HttpResponse<String> models = client.send(
                    HttpRequest.newBuilder(http.uri("/v1/models")).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> completion = client.send(
                    HttpRequest.newBuilder(http.uri("/v1/completions"))
                            .timeout(Duration.ofSeconds(60))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"Once\", \"max_tokens\": 3}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(models.statusCode()).isEqualTo(200);
            assertThat(completion.statusCode()).isEqualTo(200);
            assertThat(completion.body()).contains("\"text_completion\"");
        }
    }

    @Test
    void declines_an_explicit_h2c_upgrade_on_a_post_and_answers_it() throws Exception {
        String body = "{\"prompt\": \"Once\", \"max_tokens\": 3}";
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAEAAEAAAAIAAAAA\r\n"
                            + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = readUntil(socket.getInputStream(), "}}");

            assertThat(response).startsWith("HTTP/1.1 200");
            assertThat(response).contains("\"text_completion\"");
        }
    }

    private static String readUntil(InputStream in, String end) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            bytes.write(b);
            if (bytes.toString(StandardCharsets.UTF_8).endsWith(end)) {
                break;
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
