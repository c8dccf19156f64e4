package dev.med42.spring.autoconfigure.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.med42.generate.BatchScheduler;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A client that goes away mid-stream cancels its sequence: the slot is free long before the answer would end. */
class DisconnectIT extends ServerIT {

    @Test
    void cancels_the_sequence_of_a_client_that_closes_the_connection_mid_stream() throws Exception {
        BatchScheduler scheduler = served.ready().scheduler();
        long before = OpenAiApiIT.metric(http.get("/metrics").body(), "llamacpp:tokens_predicted_total");
        // No max_tokens: the answer would run to the end of the context, thousands of tokens.
        String body = chat("\"stream\": true, \"temperature\": 0");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line; // past the headers and the role chunk, to the first chunk of generated text
            do {
                line = in.readLine();
            } while (line != null && (!line.contains("\"content\":\"") || line.contains("\"role\"")));
            assertThat(line).startsWith("data: ");
            assertThat(scheduler.activeRequests()).isEqualTo(1);
        }

        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (scheduler.activeRequests() > 0 && Instant.now().isBefore(deadline)) {
            Thread.sleep(10);
        }

        assertThat(scheduler.activeRequests()).isZero();
        long generated = OpenAiApiIT.metric(http.get("/metrics").body(), "llamacpp:tokens_predicted_total") - before;
        assertThat(generated).as("tokens generated before the cancellation").isLessThan(CONTEXT_SIZE / 2);
    }
}
