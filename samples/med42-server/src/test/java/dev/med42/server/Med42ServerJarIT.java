package dev.med42.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.med42.testing.TestData;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executable jar as {@code ./med42 serve} runs it, as a process: it starts, reports healthy, completes, and stops
 * on SIGTERM (what Ctrl-C's SIGINT also does: the JVM's shutdown), and a bad command line or model file fails as the
 * med42 tool does.
 */
class Med42ServerJarIT {
    private static final Path JAR = Path.of(System.getProperty("med42.server.jar", "target/med42-server.jar"));

    @TempDir
    Path logs;

    @Test
    void serves_on_loopback_and_stops_cleanly() throws Exception {
        int port = freePort();
        Path log = logs.resolve("server.log");
        Process server =
                start(log, "-m", TestData.file("stories260K.gguf").toString(), "--port", "" + port, "-c", "256");
        try (HttpClient http = HttpClient.newHttpClient()) {
            URI base = URI.create("http://127.0.0.1:" + port);
            awaitHealthy(http, base, server, log);

            HttpResponse<String> completion = http.send(
                    HttpRequest.newBuilder(base.resolve("/v1/completions"))
                            .timeout(Duration.ofSeconds(60))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"Once\", \"max_tokens\": 4}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(completion.statusCode()).isEqualTo(200);
            assertThat(completion.body()).contains("\"completion_tokens\":4");
        } finally {
            server.destroy();
            assertThat(server.waitFor(30, TimeUnit.SECONDS))
                    .as("stopped within 30 s")
                    .isTrue();
        }
        assertThat(Files.readString(log)).doesNotContain("Exception").contains("Tomcat started on port " + port);
    }

    @Test
    void fails_with_status_2_on_a_usage_error_and_1_on_a_bad_model_file() throws Exception {
        Process usage = start(logs.resolve("usage.log"), "--port", "1");
        Process missing = start(
                logs.resolve("missing.log"), "-m", logs.resolve("none.gguf").toString(), "--port", "0");

        assertThat(usage.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(usage.exitValue()).isEqualTo(2);
        assertThat(Files.readString(logs.resolve("usage.log"))).contains("med42 serve: missing required option -m");
        assertThat(missing.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(missing.exitValue()).isEqualTo(1);
        assertThat(Files.readString(logs.resolve("missing.log")))
                .contains("The Med42 model file set by med42.model.path cannot be used.")
                .contains("the file does not exist");
    }

    private static Process start(Path log, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(
                List.of(java, "--add-modules", "jdk.incubator.vector", "-Xmx512m", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private static void awaitHealthy(HttpClient http, URI base, Process server, Path log) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline)) {
            assertThat(server.isAlive())
                    .as(() -> "the server died: " + read(log))
                    .isTrue();
            try {
                if (http.send(
                                        HttpRequest.newBuilder(base.resolve("/health"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .statusCode()
                        == 200) {
                    return;
                }
            } catch (IOException notListening) {
                // not yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not healthy within 90 s: " + read(log));
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
