package dev.med42.spring.autoconfigure.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.med42.generate.BatchScheduler;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Prompts and answers stay out of the log at every level, through requests that succeed, stream, fail in each way a
 * client can make them fail, and go away mid-stream: the runtime's and the starter's loggers at TRACE, Spring MVC's
 * (which logs every resolved exception and every body it writes) and Tomcat's at DEBUG. The log is the real one, Logback's console
 * appender, captured. Error responses do not quote the request either, since Spring logs those at DEBUG too.
 */
@SpringBootTest(
        classes = ServerTestApplication.class,
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.main.banner-mode=off",
            "server.address=127.0.0.1",
            "med42.server.enabled=true",
            "med42.server.slots=2",
            "med42.model.context-size=256",
            "logging.level.dev.med42=TRACE",
            "logging.level.org.springframework.web=DEBUG",
            "logging.level.org.springframework.http=DEBUG",
            "logging.level.org.apache.catalina=DEBUG",
            "logging.level.org.apache.coyote=DEBUG",
            "logging.level.org.apache.tomcat=DEBUG",
        })
@ExtendWith(OutputCaptureExtension.class)
class LogPrivacyIT {
    /**
     * Stands for what a patient told their doctor: it must appear nowhere but in the requests. One word, so that a
     * parser that quotes the token it fails on (up to the next punctuation) would quote all of it.
     */
    static final String SECRET = "Zebrafish7731";

    @DynamicPropertySource
    static void model(DynamicPropertyRegistry registry) {
        registry.add("med42.model.path", () -> Http.model().toString());
    }

    @LocalServerPort
    int port;

    @Autowired
    ServedModel served;

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void neither_prompts_nor_answers_reach_the_log_or_an_error_response(CapturedOutput output) throws Exception {
        Http http = new Http(port);
        String user = "{\"role\": \"user\", \"content\": \"" + SECRET + " has a fever.\"}";
        List<HttpResponse<String>> answers = new ArrayList<>();
        List<HttpResponse<String>> failures = new ArrayList<>();

        answers.add(http.post("/v1/chat/completions", "{\"messages\": [" + user + "], \"max_tokens\": 24}"));
        answers.add(http.post(
                "/v1/chat/completions",
                "{\"messages\": [" + user + "], \"max_tokens\": 24, \"stream\": true, \"logprobs\": true}"));
        answers.add(http.post(
                "/v1/completions",
                "{\"prompt\": \"" + SECRET + "\", \"max_tokens\": 24, \"echo\": true, \"logprobs\": 2}"));
        answers.add(
                http.post("/v1/completions", "{\"prompt\": \"" + SECRET + "\", \"max_tokens\": 24, \"stream\": true}"));
        // Not JSON, with the text first so that the parser's message would quote it.
        failures.add(http.post("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": " + SECRET));
        failures.add(http.post("/v1/completions", "{\"prompt\": " + SECRET + "}"));
        // Text where a number, a boolean, an object or an array belongs.
        failures.add(http.post(
                "/v1/chat/completions", "{\"messages\": [" + user + "], \"max_tokens\": \"" + SECRET + "\"}"));
        failures.add(http.post("/v1/chat/completions", "{\"messages\": \"" + SECRET + "\"}"));
        failures.add(http.post("/v1/chat/completions", "{\"messages\": [\"" + SECRET + "\"]}"));
        failures.add(http.post("/v1/completions", "{\"prompt\": \"x\", \"echo\": \"" + SECRET + "\"}"));
        failures.add(http.post("/v1/completions", "{\"prompt\": \"x\", \"stream_options\": \"" + SECRET + "\"}"));
        failures.add(http.post("/v1/completions", "{\"prompt\": \"x\", \"seed\": 1" + "0".repeat(30) + "}"));
        // Valid JSON that the API refuses.
        failures.add(http.post(
                "/v1/chat/completions", "{\"messages\": [" + user + "], \"temperature\": -1, \"stop\": [\"\"]}"));
        failures.add(http.post(
                "/v1/chat/completions",
                "{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image_url\", \"text\": \"" + SECRET
                        + "\"}]}]}"));
        failures.add(http.post(
                "/v1/chat/completions",
                "{\"messages\": [{\"role\": \"assistant\", \"content\": \"" + SECRET + "\"}]}"));
        failures.add(http.post(
                "/v1/chat/completions",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"" + (SECRET + " ").repeat(300) + "\"}]}"));
        failures.add(http.post("/v1/completions", "{\"prompt\": [\"" + SECRET + "\", \"two\"]}"));
        disconnectMidStream("{\"messages\": [" + user + "], \"stream\": true}");

        assertThat(answers)
                .allSatisfy(answer ->
                        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200));
        assertThat(failures).allSatisfy(failure -> {
            assertThat(failure.statusCode()).as(failure.body()).isEqualTo(400);
            assertThat(failure.body()).doesNotContain(SECRET).contains("invalid_request_error");
        });
        String log = output.getAll();
        assertThat(log).as("the log").contains("Resolved [").doesNotContain(SECRET);
        for (String line : generatedText(answers.getFirst())
                .lines()
                .filter(l -> l.strip().length() >= 12)
                .toList()) {
            assertThat(log).as("the log").doesNotContain(line.strip());
        }
    }

    /** A client that reads the first event and goes away; waits until its sequence is cancelled. */
    private void disconnectMidStream(String body) throws Exception {
        BatchScheduler scheduler = served.ready().scheduler();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + bytes.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            InputStream in = socket.getInputStream();
            assertThat(in.read(new byte[4096])).isPositive();
        }
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (scheduler.activeRequests() > 0 && Instant.now().isBefore(deadline)) {
            Thread.sleep(10);
        }
        assertThat(scheduler.activeRequests()).isZero();
    }

    private String generatedText(HttpResponse<String> chat) {
        return json.readTree(chat.body()).at("/choices/0/message/content").stringValue();
    }
}
