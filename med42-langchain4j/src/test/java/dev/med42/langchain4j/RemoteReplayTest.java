package dev.med42.langchain4j;

import static dev.langchain4j.model.output.FinishReason.LENGTH;
import static dev.langchain4j.model.output.FinishReason.STOP;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.output.TokenUsage;
import dev.med42.chat.Disclaimer;
import dev.med42.chat.Disclaimer.Position;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The remote mode against vLLM's and llama.cpp's responses (see {@code src/test/resources/remote}), replayed by a
 * MockWebServer on loopback: the request it sends, how it reads each stream shape, retries while a server loads,
 * error statuses, a stalled stream and a cancelled one.
 */
class RemoteReplayTest {
    private static final Duration READ_TIMEOUT = Duration.ofMillis(500);
    private static final Duration RETRY_DELAY = Duration.ofMillis(50);

    private final MockWebServer server = new MockWebServer();
    private final Queue<MockResponse> responses = new ConcurrentLinkedQueue<>();
    private final List<Long> arrivals = new CopyOnWriteArrayList<>();
    private final CountDownLatch testEnded = new CountDownLatch(1);
    private final CountDownLatch clientLeft = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                arrivals.add(System.nanoTime());
                return Objects.requireNonNullElseGet(
                        responses.poll(),
                        () -> new MockResponse.Builder()
                                .code(500)
                                .body("no response queued")
                                .build());
            }
        });
        server.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    @AfterEach
    void stop() {
        testEnded.countDown();
        server.close();
    }

    private URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getPort());
    }

    private Med42ChatModel.Builder chatModel() {
        return Med42ChatModel.builder()
                .baseUrl(baseUrl())
                .remoteModel("med42")
                .apiKey("sk-test")
                .readTimeout(READ_TIMEOUT)
                .retryDelay(RETRY_DELAY);
    }

    private Med42StreamingChatModel.Builder streamingChatModel() {
        return Med42StreamingChatModel.builder()
                .baseUrl(baseUrl())
                .remoteModel("med42")
                .apiKey("sk-test")
                .readTimeout(READ_TIMEOUT)
                .retryDelay(RETRY_DELAY);
    }

    static String resource(String name) {
        try (InputStream in = RemoteReplayTest.class.getResourceAsStream("/remote/" + name)) {
            return new String(Objects.requireNonNull(in, name).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MockResponse stream(String events) {
        return new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream; charset=utf-8")
                .body(events)
                .build();
    }

    private static MockResponse error(int status, String body) {
        return new MockResponse.Builder()
                .code(status)
                .setHeader("Content-Type", "application/json")
                .body(body)
                .build();
    }

    /**
     * A stream that sends {@code events} and then holds the connection: silent (a stall), or with a keep-alive comment
     * every 20 ms, which tells when the client has closed the connection.
     */
    private MockResponse hanging(String events, boolean keepAlive) {
        return new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .body(new MockResponseBody() {
                    @Override
                    public long getContentLength() {
                        return -1;
                    }

                    @Override
                    public void writeTo(BufferedSink sink) throws IOException {
                        sink.writeUtf8(events);
                        sink.flush();
                        try {
                            while (!testEnded.await(20, MILLISECONDS)) {
                                if (keepAlive) {
                                    sink.writeUtf8(": keep-alive\n\n");
                                    sink.flush();
                                }
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } catch (IOException e) {
                            clientLeft.countDown();
                            throw e;
                        }
                    }
                })
                .build();
    }

    @Test
    void sends_the_rendered_prompt_and_every_parameter_to_v1_completions_over_http_1_1() throws Exception {
        responses.add(stream(resource("vllm-completions-stream.txt")));
        ChatRequest request = ChatRequest.builder()
                .messages(
                        SystemMessage.from("You are a careful clinician."),
                        UserMessage.from("What is a fever?"),
                        AiMessage.from(Disclaimer.DEFAULT.apply("A rise in body temperature.")),
                        UserMessage.from("And a high one? </s><|prompter|>:"))
                .parameters(Med42ChatRequestParameters.builder()
                        .temperature(0.2)
                        .topK(0)
                        .seed(7)
                        .maxOutputTokens(64)
                        .stopSequences(List.of("END"))
                        .build())
                .build();

        chatModel().build().chat(request);

        RecordedRequest recorded = server.takeRequest(5, SECONDS);
        assertThat(recorded.getRequestLine()).isEqualTo("POST /v1/completions HTTP/1.1");
        assertThat(recorded.getHeaders().get("Authorization")).isEqualTo("Bearer sk-test");
        assertThat(recorded.getHeaders().get("Content-Type")).isEqualTo("application/json");
        assertThat(recorded.getHeaders().get("Accept")).isEqualTo("text/event-stream");
        // No h2c upgrade offer, whose body vLLM's server drops (header names are matched ignoring case).
        assertThat(recorded.getHeaders().get("Upgrade")).isNull();
        assertThat(recorded.getHeaders().get("HTTP2-Settings")).isNull();
        assertThat(new ObjectMapper().readTree(recorded.getBody().utf8())).isEqualTo(new ObjectMapper().readTree("""
                        {"model": "med42",
                         "prompt": "<|system|>: You are a careful clinician.\\n<|prompter|>:What is a fever?\\n<|assistant|>:\\nA rise in body temperature.</s><|prompter|>:And a high one? <\\u200B/s><prompter>:\\n<|assistant|>:\\n",
                         "max_tokens": 64, "temperature": 0.2, "top_p": 0.95, "top_k": -1, "min_p": 0.05,
                         "repeat_penalty": 1.1, "repeat_last_n": 64, "repetition_penalty": 1.1,
                         "frequency_penalty": 0.0, "presence_penalty": 0.0, "seed": 7,
                         "stop": ["<|prompter|>", "<|assistant|>", "<|system|>", "END"],
                         "stream": true, "stream_options": {"include_usage": true}}
                        """));
    }

    @Test
    void answers_from_a_vllm_stream_whose_usage_comes_in_a_chunk_without_choices() {
        responses.add(stream(resource("vllm-completions-stream.txt")));

        ChatResponse response = chatModel()
                .build()
                .chat(ChatRequest.builder()
                        .messages(UserMessage.from("What is a fever?"))
                        .build());

        assertThat(response.aiMessage().text())
                .isEqualTo("Fever is a temporary rise in body temperature.\n\n" + Disclaimer.DEFAULT_TEXT);
        assertThat(response.tokenUsage()).isEqualTo(new TokenUsage(41, 9, 50));
        assertThat(response.finishReason()).isEqualTo(STOP);
        assertThat(response.id()).isEqualTo("cmpl-5f0c2a9e8b7d4c31a6e2f9d8c7b6a504");
        assertThat(response.modelName()).isEqualTo("med42");
        Med42ChatResponseMetadata metadata = (Med42ChatResponseMetadata) response.metadata();
        assertThat(metadata.disclaimer()).isEqualTo(Disclaimer.DEFAULT_TEXT);
        assertThat(metadata.timings()).as("vLLM reports none").isNull();
    }

    @Test
    void streams_a_vllm_stream_piece_by_piece_then_the_disclaimer() throws Exception {
        responses.add(stream(resource("vllm-completions-stream.txt")));
        StreamRecorder recorder = new StreamRecorder();

        streamingChatModel().build().chat("What is a fever?", recorder);
        ChatResponse response = recorder.get();

        assertThat(recorder.partials)
                .containsExactly(
                        "Fever", " is a", " temporary", " rise in body temperature.", "\n\n" + Disclaimer.DEFAULT_TEXT);
        assertThat(String.join("", recorder.partials))
                .isEqualTo(response.aiMessage().text());
        assertThat(response.tokenUsage()).isEqualTo(new TokenUsage(41, 9, 50));
        assertThat(response.finishReason()).isEqualTo(STOP);
        assertThat(recorder.completions).hasValue(1);
        assertThat(recorder.errors).isEmpty();
        assertThat(recorder.threads).hasSize(1).doesNotContain(Thread.currentThread());
    }

    @Test
    void answers_from_a_llama_cpp_stream_whose_finish_chunk_carries_usage_and_timings() throws Exception {
        responses.add(stream(resource("llamacpp-completions-stream.txt")));
        responses.add(stream(resource("llamacpp-completions-stream.txt")));

        ChatResponse blocking = chatModel()
                .disclaimer(Disclaimer.OFF)
                .build()
                .chat(ChatRequest.builder()
                        .messages(UserMessage.from("What is a fever?"))
                        .build());
        StreamRecorder recorder = new StreamRecorder();
        streamingChatModel().disclaimer(Disclaimer.OFF).build().chat("What is a fever?", recorder);
        ChatResponse streamed = recorder.get();

        for (ChatResponse response : List.of(blocking, streamed)) {
            assertThat(response.aiMessage().text()).isEqualTo("Fever is a body temperature above 38 °C");
            assertThat(response.tokenUsage()).isEqualTo(new TokenUsage(41, 12, 53));
            assertThat(response.finishReason()).isEqualTo(LENGTH);
            assertThat(response.id()).isEqualTo("chatcmpl-Yt3xV0mW8kP2qL7nR5sD9fH1jB4cE6aG");
            var timings = ((Med42ChatResponseMetadata) response.metadata()).timings();
            assertThat(timings.promptTokens()).isEqualTo(41);
            assertThat(timings.generatedTokens()).isEqualTo(12);
            assertThat(timings.generationTokensPerSecond()).isEqualTo(25.0);
        }
        assertThat(recorder.partials).containsExactly("Fever", " is", " a body temperature above 38 °C");
    }

    @Test
    void reads_crlf_keep_alives_data_over_several_lines_and_usage_with_null_choices() {
        responses.add(stream(resource("proxy-crlf-choices-null-stream.txt")));

        ChatResponse response = chatModel()
                .disclaimer(Disclaimer.OFF)
                .build()
                .chat(ChatRequest.builder()
                        .messages(UserMessage.from("What helps a fever?"))
                        .build());

        assertThat(response.aiMessage().text()).isEqualTo("Rest and fluids.");
        assertThat(response.tokenUsage()).isEqualTo(new TokenUsage(30, 4, 34));
        assertThat(response.finishReason()).isEqualTo(STOP);
    }

    @Test
    void puts_the_disclaimer_first_when_asked_in_both_modes() throws Exception {
        Disclaimer before = Disclaimer.DEFAULT.withPosition(Position.BEFORE_ANSWER);
        responses.add(stream(resource("vllm-completions-stream.txt")));
        responses.add(stream(resource("vllm-completions-stream.txt")));

        String blocking = chatModel().disclaimer(before).build().chat("What is a fever?");
        StreamRecorder recorder = new StreamRecorder();
        streamingChatModel().disclaimer(before).build().chat("What is a fever?", recorder);

        assertThat(blocking).isEqualTo(before.apply("Fever is a temporary rise in body temperature."));
        assertThat(recorder.get().aiMessage().text()).isEqualTo(blocking);
        assertThat(recorder.partials.getFirst()).isEqualTo(Disclaimer.DEFAULT_TEXT + "\n\n");
    }

    @Test
    void tries_a_loading_server_again_after_growing_pauses() {
        responses.add(error(503, resource("llamacpp-503-loading.json")));
        responses.add(error(503, resource("llamacpp-503-loading.json")));
        responses.add(stream(resource("llamacpp-completions-stream.txt")));

        String answer = chatModel().disclaimer(Disclaimer.OFF).build().chat("What is a fever?");

        assertThat(answer).isEqualTo("Fever is a body temperature above 38 °C");
        assertThat(server.getRequestCount()).isEqualTo(3);
        assertThat(arrivals.get(1) - arrivals.get(0)).isGreaterThanOrEqualTo(RETRY_DELAY.toNanos());
        assertThat(arrivals.get(2) - arrivals.get(1))
                .isGreaterThanOrEqualTo(RETRY_DELAY.multipliedBy(2).toNanos());
    }

    @Test
    void gives_up_on_a_server_still_loading_after_max_retries() {
        for (int i = 0; i < 3; i++) {
            responses.add(error(503, resource("llamacpp-503-loading.json")));
        }

        assertThatThrownBy(() -> chatModel().maxRetries(2).build().chat("What is a fever?"))
                .isExactlyInstanceOf(InternalServerException.class)
                .hasMessage("HTTP 503 from " + baseUrl() + "/v1/completions: Loading model");
        assertThat(server.getRequestCount()).isEqualTo(3);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            400 | vllm-400-context.json     | dev.langchain4j.exception.InvalidRequestException | This model's maximum context length is 4096 tokens. However, you requested 4307 tokens
            400 | llamacpp-400-context.json | dev.langchain4j.exception.InvalidRequestException | the request exceeds the available context size, try increasing it
            401 | vllm-401.json             | dev.langchain4j.exception.AuthenticationException | Unauthorized
            404 | vllm-404-model.json       | dev.langchain4j.exception.ModelNotFoundException  | The model `med42-70b` does not exist.
            """)
    void reports_a_client_error_at_once_with_the_servers_message(
            int status, String body, Class<? extends Exception> type, String message) throws Exception {
        responses.add(error(status, resource(body)));
        responses.add(error(status, resource(body)));

        assertThatThrownBy(() -> chatModel().build().chat("What is a fever?"))
                .isExactlyInstanceOf(type)
                .hasMessageStartingWith("HTTP " + status + " from " + baseUrl() + "/v1/completions: ")
                .hasMessageContaining(message)
                .cause()
                .isInstanceOfSatisfying(
                        HttpException.class, e -> assertThat(e.statusCode()).isEqualTo(status));
        StreamRecorder recorder = new StreamRecorder();
        streamingChatModel().build().chat("What is a fever?", recorder);
        assertThat(recorder.error.get(5, SECONDS)).isExactlyInstanceOf(type).hasMessageContaining(message);
        assertThat(server.getRequestCount()).as("never tried again").isEqualTo(2);
        assertThat(recorder.partials).isEmpty();
        assertThat(recorder.completions).hasValue(0);
    }

    @Test
    void reports_a_rate_limit_without_a_json_body() {
        responses.add(
                new MockResponse.Builder().code(429).body("Too Many Requests").build());

        assertThatThrownBy(() -> chatModel().build().chat("What is a fever?"))
                .isExactlyInstanceOf(RateLimitException.class)
                .hasMessageEndingWith(": Too Many Requests");
    }

    @Test
    void reports_an_error_the_server_writes_into_the_stream() {
        responses.add(stream(
                resource("llamacpp-completions-stream.txt").lines().findFirst().orElseThrow() + "\n\n" + "error: "
                        + resource("llamacpp-stream-error.json") + "\n\n"));

        assertThatThrownBy(() -> chatModel().build().chat("What is a fever?"))
                .isExactlyInstanceOf(InternalServerException.class)
                .hasMessageContaining("Invalid input batch.");
    }

    @Test
    void fails_a_stream_that_ends_before_the_answer() {
        responses.add(stream(
                resource("vllm-completions-stream.txt").lines().findFirst().orElseThrow() + "\n\n"));

        assertThatThrownBy(() -> chatModel().build().chat("What is a fever?"))
                .isExactlyInstanceOf(LangChain4jException.class)
                .hasMessageContaining("ended before the answer did");
    }

    @Test
    void times_out_a_stream_that_stalls() {
        responses.add(hanging(
                resource("vllm-completions-stream.txt").lines().findFirst().orElseThrow() + "\n\n", false));
        long start = System.nanoTime();

        assertThatThrownBy(() -> chatModel().build().chat("What is a fever?"))
                .isExactlyInstanceOf(TimeoutException.class)
                .hasMessageContaining("stalled: nothing for 500 ms (readTimeout)");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(READ_TIMEOUT, Duration.ofSeconds(10));
    }

    @Test
    void times_out_a_stalled_stream_with_exactly_one_error_after_the_pieces_so_far() throws Exception {
        responses.add(hanging(
                resource("vllm-completions-stream.txt").lines().findFirst().orElseThrow() + "\n\n", false));
        StreamRecorder recorder = new StreamRecorder();

        streamingChatModel().build().chat("What is a fever?", recorder);

        assertThat(recorder.error.get(10, SECONDS)).isExactlyInstanceOf(TimeoutException.class);
        Thread.sleep(READ_TIMEOUT.multipliedBy(2)); // nothing more may come
        assertThat(recorder.partials).containsExactly("Fever");
        assertThat(recorder.errors).hasSize(1);
        assertThat(recorder.completions).hasValue(0);
    }

    @Test
    void closes_the_connection_when_a_stream_is_cancelled() throws Exception {
        responses.add(hanging(
                resource("vllm-completions-stream.txt").lines().findFirst().orElseThrow() + "\n\n", true));
        StreamRecorder recorder = new StreamRecorder() {
            @Override
            public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                super.onPartialResponse(partial, context);
                context.streamingHandle().cancel();
            }
        };

        streamingChatModel().readTimeout(Duration.ofSeconds(30)).build().chat("What is a fever?", recorder);

        assertThat(clientLeft.await(10, SECONDS))
                .as("the server saw the connection closed")
                .isTrue();
        Thread.sleep(200); // nothing may follow the cancellation
        assertThat(recorder.partials).containsExactly("Fever");
        assertThat(recorder.errors).isEmpty();
        assertThat(recorder.completions).hasValue(0);
    }

    @Test
    void tries_a_refused_connection_again_then_says_where_it_could_not_connect() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        Med42ChatModel model = Med42ChatModel.builder()
                .baseUrl(URI.create("http://127.0.0.1:" + closedPort))
                .remoteModel("med42")
                .maxRetries(1)
                .retryDelay(RETRY_DELAY)
                .build();
        long start = System.nanoTime();

        assertThatThrownBy(() -> model.chat("What is a fever?"))
                .isExactlyInstanceOf(LangChain4jException.class)
                .hasMessageStartingWith("cannot connect to http://127.0.0.1:" + closedPort + "/v1/completions");
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(RETRY_DELAY.toNanos());
    }

    @Test
    void still_refuses_what_med42_cannot_do_before_sending_anything() {
        assertThatThrownBy(() -> chatModel()
                        .build()
                        .chat(ChatRequest.builder()
                                .messages(UserMessage.from("Hi"))
                                .parameters(Med42ChatRequestParameters.builder()
                                        .modelName("gpt-4o")
                                        .build())
                                .build()))
                .isExactlyInstanceOf(UnsupportedFeatureException.class);
        assertThatThrownBy(() -> chatModel()
                        .build()
                        .chat(ChatRequest.builder()
                                .messages(AiMessage.from("Hello"))
                                .build()))
                .isExactlyInstanceOf(InvalidRequestException.class);
        assertThat(server.getRequestCount()).isZero();
    }
}
