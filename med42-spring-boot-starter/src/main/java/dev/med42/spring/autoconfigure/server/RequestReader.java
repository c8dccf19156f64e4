package dev.med42.spring.autoconfigure.server;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a request body as JSON whatever its declared content type, with the mapper Spring Boot configures, and turns
 * what is wrong with it into a 400 naming the parameter. The body is read from the servlet's stream, since for
 * curl's {@code -d}, which declares form data, Spring would hand over the form parameters re-encoded instead.
 */
final class RequestReader {
    /** Far beyond any prompt that fits a context (4096 tokens are some 20 KB of text). */
    static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    private final JsonMapper json;

    RequestReader(JsonMapper json) {
        this.json = json;
    }

    <T> T read(HttpServletRequest request, Class<T> type) throws IOException {
        byte[] body = request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            throw ApiException.invalidRequest(null, "the body is larger than " + MAX_BODY_BYTES + " bytes");
        }
        if (body.length == 0) {
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
