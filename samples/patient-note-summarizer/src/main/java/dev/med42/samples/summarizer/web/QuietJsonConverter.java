package dev.med42.samples.summarizer.web;

import java.io.IOException;
import java.util.Map;
import org.springframework.core.ResolvableType;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.json.JsonMapper;

/**
 * Spring Boot's JSON converter (it takes the place of Boot's, with the same mapper), except that a body it cannot
 * read fails with where, not what: Jackson's message quotes the token it choked on, a piece of the note, and Spring
 * MVC logs the exception at DEBUG ({@code HandlerMethod}, {@code ExceptionHandlerExceptionResolver}). The new
 * exception has no cause, so that no stack trace carries the old message either.
 */
@Component
class QuietJsonConverter extends JacksonJsonHttpMessageConverter {
    QuietJsonConverter(JsonMapper mapper) {
        super(mapper);
    }

    @Override
    public Object read(ResolvableType type, HttpInputMessage input, Map<String, Object> hints) throws IOException {
        try {
            return super.read(type, input, hints);
        } catch (HttpMessageNotReadableException e) {
            throw quiet(e, input);
        }
    }

    @Override
    protected Object readInternal(Class<?> type, HttpInputMessage input) throws IOException {
        try {
            return super.readInternal(type, input);
        } catch (HttpMessageNotReadableException e) {
            throw quiet(e, input);
        }
    }

    private static HttpMessageNotReadableException quiet(HttpMessageNotReadableException e, HttpInputMessage input) {
        TokenStreamLocation at = e.getCause() instanceof JacksonException j ? j.getLocation() : null;
        String where =
                at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return new HttpMessageNotReadableException("Unreadable JSON body" + where, input);
    }
}
