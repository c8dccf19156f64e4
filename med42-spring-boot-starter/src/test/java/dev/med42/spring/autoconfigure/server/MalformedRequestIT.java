package dev.med42.spring.autoconfigure.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/** Whatever is wrong with a request is a 400 with OpenAI's error object naming the parameter, never a 500. */
class MalformedRequestIT extends ServerIT {
    private static final String USER = "\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]";

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            chat        | ''                                                                    | -
            chat        | '{'                                                                   | -
            chat        | '[1, 2]'                                                              | -
            chat        | '{"messages": "Hi"}'                                                  | messages
            chat        | '{"messages": []}'                                                    | messages
            chat        | '{"messages": [{"role": "assistant", "content": "Hello"}]}'           | messages
            chat        | '{"messages": [{"role": "robot", "content": "Hi"}]}'                  | messages[0].role
            chat        | '{"messages": [{"content": "Hi"}]}'                                   | messages[0].role
            chat        | '{"messages": [{"role": "tool", "content": "42"}]}'                   | messages[0].role
            chat        | '{"messages": [{"role": "user", "content": 42}]}'                     | messages[0].content
            chat        | '{"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}]}' | messages[0].content
            chat        | '{USER, "temperature": "hot"}'                                        | temperature
            chat        | '{USER, "temperature": -1}'                                           | temperature
            chat        | '{USER, "top_p": 2}'                                                  | top_p
            chat        | '{USER, "top_k": -2}'                                                 | top_k
            chat        | '{USER, "min_p": 1.5}'                                                | min_p
            chat        | '{USER, "repeat_penalty": 0}'                                         | repeat_penalty
            chat        | '{USER, "seed": -7}'                                                  | seed
            chat        | '{USER, "n": 2}'                                                      | n
            chat        | '{USER, "max_tokens": 0}'                                             | max_tokens
            chat        | '{USER, "max_completion_tokens": -1}'                                 | max_completion_tokens
            chat        | '{USER, "stop": 5}'                                                   | stop
            chat        | '{USER, "stop": ["", "x"]}'                                           | stop
            chat        | '{USER, "stream": "yes"}'                                             | stream
            chat        | '{USER, "stream_options": 1}'                                         | stream_options
            chat        | '{USER, "logprobs": true, "top_logprobs": 21}'                        | top_logprobs
            chat        | '{USER, "top_logprobs": 2}'                                           | top_logprobs
            chat        | '{USER, "tools": [{"type": "function", "function": {"name": "f"}}]}'  | tools
            chat        | '{USER, "response_format": {"type": "json_object"}}'                  | response_format
            completions | '{"max_tokens": 4}'                                                   | prompt
            completions | '{"prompt": ["one", "two"]}'                                          | prompt
            completions | '{"prompt": [1, -5]}'                                                 | prompt
            completions | '{"prompt": [1, 1000000]}'                                            | prompt
            completions | '{"prompt": "Hi", "max_tokens": -1}'                                  | max_tokens
            completions | '{"prompt": "Hi", "max_tokens": "all"}'                               | max_tokens
            completions | '{"prompt": "Hi", "logprobs": 21}'                                    | logprobs
            completions | '{"prompt": "Hi", "echo": "yes"}'                                     | echo
            """)
    void refuses_a_malformed_request_with_a_400_naming_the_parameter(String endpoint, String body, String param)
            throws Exception {
        HttpResponse<String> response = http.post("/v1/" + completions(endpoint), body.replace("USER", USER));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode error = json.readTree(response.body()).get("error");
        assertThat(error.propertyNames()).containsExactly("message", "type", "param", "code");
        assertThat(error.get("type").stringValue()).isEqualTo("invalid_request_error");
        assertThat(error.get("message").stringValue()).isNotBlank();
        if (param == null) {
            assertThat(error.get("param").isNull()).isTrue();
        } else {
            assertThat(error.get("param").stringValue()).isEqualTo(param);
        }
    }

    @ParameterizedTest
    @CsvSource({"chat, messages", "completions, prompt"})
    void refuses_a_prompt_that_leaves_no_room_in_the_context_naming_both_sizes(String endpoint, String param)
            throws Exception {
        String long_ = "fever ".repeat(CONTEXT_SIZE);
        String body = endpoint.equals("chat")
                ? "{\"messages\": [{\"role\": \"user\", \"content\": \"" + long_ + "\"}]}"
                : "{\"prompt\": \"" + long_ + "\"}";

        HttpResponse<String> response = http.post("/v1/" + completions(endpoint), body);

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = json.readTree(response.body()).get("error");
        assertThat(error.get("code").stringValue()).isEqualTo("context_length_exceeded");
        assertThat(error.get("param").stringValue()).isEqualTo(param);
        assertThat(error.get("message").stringValue()).contains(" tokens").contains(String.valueOf(CONTEXT_SIZE));
    }

    private static String completions(String endpoint) {
        return endpoint.equals("chat") ? "chat/completions" : "completions";
    }
}
