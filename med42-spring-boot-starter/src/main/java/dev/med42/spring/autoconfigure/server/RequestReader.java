package dev.med42.spring.autoconfigure.server;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.Collection;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a request body as JSON whatever its declared content type, with the mapper Spring Boot configures, and turns
 * what is wrong with it into a 400 naming the parameter. The body is read from the servlet's stream, since for
 * curl's {@code -d}, which declares form data, Spring would hand over the form parameters re-encoded instead.
 *
 * <p>Errors say where and what was expected but never quote the body, as Jackson's messages do: the body holds a
 * prompt, and Spring MVC logs every error it resolves and every body it writes at DEBUG.
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
        } catch (InputCoercionException e) {
            String param = param(e);
            throw ApiException.invalidRequest(
                    param,
                    (param == null ? "a number" : param) + " is out of range"
                            + (e.getTargetType() == null ? "" : " for " + expected(e.getTargetType()))
                            + location(e));
        } catch (StreamReadException e) {
            throw ApiException.invalidRequest(null, "the body is not valid JSON" + location(e));
        } catch (JacksonException e) {
            String param = param(e);
            Class<?> target = e instanceof MismatchedInputException m ? m.getTargetType() : null;
            throw ApiException.invalidRequest(
                    param,
                    (param == null ? "the body" : param) + " has the wrong type"
                            + (target == null ? "" : ": expected " + expected(target)));
        }
        if (value == null) {
            throw ApiException.invalidRequest(null, "the body must be a JSON object");
        }
        return value;
    }

    /** The parameter the error is about, as {@code messages[0].content}, or null for the body itself. */
    private static String param(JacksonException e) {
        String param = e.getPath().stream()
                .map(ref -> ref.getPropertyName() != null ? "." + ref.getPropertyName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining())
                .replaceFirst("^\\.", "");
        return param.isEmpty() ? null : param;
    }

    private static String location(JacksonException e) {
        TokenStreamLocation at = e.getLocation();
        return at == null || at.getLineNr() < 1
                ? ""
                : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    /** What a parameter of {@code type} holds, in JSON's words. */
    private static String expected(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }
}
