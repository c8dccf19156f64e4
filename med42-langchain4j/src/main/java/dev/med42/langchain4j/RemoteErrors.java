package dev.med42.langchain4j;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import java.net.URI;

/**
 * A server's error as LangChain4j's exception for its status, as LangChain4j's own models map them, with the
 * server's message in the exception's and an {@link HttpException} with the status as its cause. The message is read
 * from the error shapes of the servers in front of Med42: OpenAI's and llama.cpp's {@code {"error": {"message":
 * ...}}}, vLLM's {@code {"object": "error", "message": ...}}, {@code {"error": "..."}} (vLLM's API key check) and
 * FastAPI's {@code {"detail": ...}}; any other body is quoted as it is.
 */
final class RemoteErrors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_QUOTED = 1000;

    private RemoteErrors() {}

    /** The exception for an answer with an error status. */
    static LangChain4jException of(int status, String body, URI uri) {
        String message = "HTTP " + status + " from " + uri + ": " + message(body);
        HttpException cause = new HttpException(status, body);
        return switch (status) {
            case 401, 403 -> new AuthenticationException(message, cause);
            case 404 -> new ModelNotFoundException(message, cause);
            case 408 -> new TimeoutException(message, cause);
            case 429 -> new RateLimitException(message, cause);
            default ->
                status >= 500
                        ? new InternalServerException(message, cause)
                        : status >= 400 ? new InvalidRequestException(message, cause) : cause;
        };
    }

    /** The exception for an error the server sent inside a stream, after its 200: by its code when it has one. */
    static LangChain4jException inStream(JsonNode error, URI uri) {
        JsonNode code = error.has("error") ? error.get("error").path("code") : error.path("code");
        String text = error.toString();
        return code.canConvertToInt() && code.intValue() >= 400
                ? of(code.intValue(), text, uri)
                : new LangChain4jException("error in the stream from " + uri + ": " + message(text));
    }

    /** The server's own words from an error body. */
    static String message(String body) {
        if (body == null || body.isBlank()) {
            return "(no message)";
        }
        try {
            JsonNode json = JSON.readTree(body);
            for (JsonNode candidate : new JsonNode[] {
                json.path("error").path("message"), json.path("message"), json.path("error"), json.path("detail")
            }) {
                if (candidate.isTextual() && !candidate.textValue().isBlank()) {
                    return candidate.textValue();
                }
            }
            if (json.path("detail").isContainerNode()) {
                return json.get("detail").toString();
            }
        } catch (JacksonException notJson) {
            // quoted as it is
        }
        String text = body.strip();
        return text.length() <= MAX_QUOTED ? text : text.substring(0, MAX_QUOTED) + "…";
    }
}
