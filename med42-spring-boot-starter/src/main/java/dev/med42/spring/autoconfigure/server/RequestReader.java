package dev.med42.spring.autoconfigure.server;

import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a request body as JSON whatever its declared content type (curl's {@code -d} says form data), with the
 * mapper Spring Boot configures, and turns what is wrong with it into a 400 naming the parameter.
 */
final class RequestReader {
    private final JsonMapper json;

    RequestReader(JsonMapper json) {
        this.json = json;
    }

    <T> T read(byte[] body, Class<T> type) {
        if (body == null || body.length == 0) {
            throw ApiException.invalidRequest(null, "the request has no body: send a JSON object");
        }
        T value;
        try {
            value = json.readValue(body, type);
        } catch (StreamReadException e) {
            throw ApiException.invalidRequest(null, "the body is not valid JSON: " + e.getOriginalMessage());
        } catch (JacksonException e) {
            String param = e.getPath().stream()
                    .map(ref ->
                            ref.getPropertyName() != null ? "." + ref.getPropertyName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining())
                    .replaceFirst("^\\.", "");
            throw ApiException.invalidRequest(
                    param.isEmpty() ? null : param,
                    (param.isEmpty() ? "the body" : param) + " has the wrong type: " + e.getOriginalMessage());
        }
        if (value == null) {
            throw ApiException.invalidRequest(null, "the body must be a JSON object");
        }
        return value;
    }
}
