package dev.med42.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.LangChain4jException;
import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RemoteErrorsTest {
    private static final URI URL = URI.create("http://gpu-node:8000/v1/completions");

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            400 | dev.langchain4j.exception.InvalidRequestException
            422 | dev.langchain4j.exception.InvalidRequestException
            401 | dev.langchain4j.exception.AuthenticationException
            403 | dev.langchain4j.exception.AuthenticationException
            404 | dev.langchain4j.exception.ModelNotFoundException
            408 | dev.langchain4j.exception.TimeoutException
            429 | dev.langchain4j.exception.RateLimitException
            500 | dev.langchain4j.exception.InternalServerException
            503 | dev.langchain4j.exception.InternalServerException
            """)
    void maps_each_status_as_langchain4j_does_with_the_status_in_the_cause(int status, Class<?> type) {
        LangChain4jException e = RemoteErrors.of(status, "{\"error\":{\"message\":\"no\"}}", URL);

        assertThat(e).isExactlyInstanceOf(type).hasMessage("HTTP " + status + " from " + URL + ": no");
        assertThat(e.getCause())
                .isInstanceOfSatisfying(
                        HttpException.class,
                        cause -> assertThat(cause.statusCode()).isEqualTo(status));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}          | Loading model
            {"object":"error","message":"too long","type":"BadRequestError","code":400}       | too long
            {"error":"Unauthorized"}                                                          | Unauthorized
            {"detail":"Not Found"}                                                            | Not Found
            {"detail":[{"loc":["body","prompt"],"msg":"Field required"}]}                     | [{"loc":["body","prompt"],"msg":"Field required"}]
            <html><body>502 Bad Gateway</body></html>                                         | <html><body>502 Bad Gateway</body></html>
            ``                                                                                | (no message)
            """)
    void quotes_the_servers_own_words(String body, String message) {
        assertThat(RemoteErrors.message(body)).isEqualTo(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"error":{"code":500,"message":"Invalid input batch.","type":"server_error"}} | dev.langchain4j.exception.InternalServerException
            {"object":"error","message":"bad","code":400}                                 | dev.langchain4j.exception.InvalidRequestException
            {"error":{"message":"odd"}}                                                   | dev.langchain4j.exception.LangChain4jException
            """)
    void maps_an_error_inside_a_stream_by_its_code(String chunk, Class<?> type) throws Exception {
        assertThat(RemoteErrors.inStream(new ObjectMapper().readTree(chunk), URL))
                .isExactlyInstanceOf(type);
    }
}
