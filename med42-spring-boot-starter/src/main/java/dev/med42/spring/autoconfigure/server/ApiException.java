package dev.med42.spring.autoconfigure.server;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.med42.generate.SchedulerFullException;
import dev.med42.model.ContextOverflowException;
import java.util.concurrent.CancellationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * A failure as the OpenAI API reports it: an HTTP status and {@code {"error":{"message","type","param","code"}}}. The
 * types are OpenAI's ({@code invalid_request_error}, {@code authentication_error}, ...), so that OpenAI clients map
 * them to their own exceptions.
 */
final class ApiException extends RuntimeException {
    /** Seconds a client told 429 should wait before trying again. */
    static final String RETRY_AFTER_SECONDS = "1";

    private final HttpStatus status;
    private final String type;
    private final String param;
    private final String code;

    ApiException(HttpStatus status, String type, String param, String code, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    /** The body: {@code {"error": {...}}}. */
    record Body(Object error) {}

    /** OpenAI's error object; {@code param} and {@code code} are written even when null, as OpenAI does. */
    @JsonPropertyOrder({"message", "type", "param", "code"})
    record Error(String message, String type, String param, String code) {}

    static ApiException invalidRequest(String param, String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, "invalid_request_error", param, null, message);
    }

    static ApiException notFound(String message) {
        return new ApiException(HttpStatus.NOT_FOUND, "invalid_request_error", null, null, message);
    }

    static ApiException unauthorized() {
        return new ApiException(
                HttpStatus.UNAUTHORIZED,
                "invalid_request_error",
                null,
                "invalid_api_key",
                "Invalid API key: send it as the header 'Authorization: Bearer KEY'");
    }

    static ApiException contextLengthExceeded(String param, int promptTokens, int contextSize) {
        return new ApiException(
                HttpStatus.BAD_REQUEST,
                "invalid_request_error",
                param,
                "context_length_exceeded",
                "the prompt is " + promptTokens + " tokens, which leaves no room for an answer in the context of "
                        + contextSize + " tokens: shorten it or raise med42.model.context-size");
    }

    /** llama.cpp's error object, which its clients wait on while the model loads: the status as a number. */
    @JsonPropertyOrder({"code", "message", "type"})
    record LlamaCppError(int code, String message, String type) {}

    /** 503 while the model loads, with llama.cpp's body. */
    static ApiException loading() {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "unavailable_error", null, null, "Loading model");
    }

    static ApiException unavailable(String message) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "unavailable_error", null, null, message);
    }

    /** What a failure of a request means for its client; anything unexpected is a 500, a bug. */
    static ApiException from(Throwable failure) {
        return switch (failure) {
            case ApiException e -> e;
            // OpenAI's own type and code for rate limits, which is what a full queue is to a client.
            case SchedulerFullException e ->
                new ApiException(HttpStatus.TOO_MANY_REQUESTS, "requests", null, "rate_limit_exceeded", e.getMessage());
            case ContextOverflowException e -> contextLengthExceeded(null, e.requested(), e.contextSize());
            // Cancelled while queued, or by the server shutting down.
            case CancellationException e -> unavailable("the request was cancelled: " + e.getMessage());
            default ->
                new ApiException(
                        HttpStatus.INTERNAL_SERVER_ERROR,
                        "server_error",
                        null,
                        null,
                        "the server failed: " + failure.getClass().getSimpleName());
        };
    }

    HttpStatus status() {
        return status;
    }

    Body body() {
        if (status == HttpStatus.SERVICE_UNAVAILABLE) {
            return new Body(new LlamaCppError(status.value(), getMessage(), type));
        }
        return new Body(new Error(getMessage(), type, param, code));
    }

    ResponseEntity<Object> toResponse() {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON);
        if (status == HttpStatus.TOO_MANY_REQUESTS) {
            response.header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        if (status == HttpStatus.UNAUTHORIZED) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        return response.body(body());
    }
}
