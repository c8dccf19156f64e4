package dev.med42.samples.summarizer.web;

import dev.med42.samples.summarizer.SummarizerProperties;
import dev.med42.samples.summarizer.model.ModelUnavailableException;
import dev.med42.samples.summarizer.note.NoteException;
import dev.med42.samples.summarizer.summary.SummaryFailedException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error as an RFC 9457 problem detail ({@code application/problem+json}), Spring's own (unreadable body,
 * unsupported content type, upload too large) included. No detail and no log line quotes the note: the messages
 * are fixed per problem, and a failure's cause is logged by its class names only.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    private final String retryAfterSeconds;

    ApiExceptionHandler(SummarizerProperties properties) {
        this.retryAfterSeconds = String.valueOf(properties.retryAfter().toSeconds());
    }

    @ExceptionHandler(NoteException.class)
    ResponseEntity<ProblemDetail> note(NoteException e) {
        return ResponseEntity.of(problem(e)).build();
    }

    @ExceptionHandler(ModelBusyException.class)
    ResponseEntity<ProblemDetail> busy(ModelBusyException e) {
        return ResponseEntity.of(problem(e))
                .header(HttpHeaders.RETRY_AFTER, retryAfterSeconds)
                .build();
    }

    @ExceptionHandler(ModelUnavailableException.class)
    ResponseEntity<ProblemDetail> unavailable(ModelUnavailableException e) {
        return ResponseEntity.of(problem(e))
                .header(HttpHeaders.RETRY_AFTER, retryAfterSeconds)
                .build();
    }

    @ExceptionHandler(SummaryFailedException.class)
    ResponseEntity<ProblemDetail> failed(SummaryFailedException e) {
        return ResponseEntity.of(problem(e)).build();
    }

    /** The problem for an error of this application, logged where it is the server's and not the client's. */
    static ProblemDetail problem(Throwable error) {
        return switch (error) {
            case NoteException e ->
                switch (e.problem()) {
                    case EMPTY -> problem(HttpStatus.BAD_REQUEST, "Empty note", e.getMessage());
                    case TOO_LARGE -> problem(HttpStatus.CONTENT_TOO_LARGE, "Note too large", e.getMessage());
                    case NOT_TEXT -> problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Not a text note", e.getMessage());
                };
            case ModelBusyException e -> problem(HttpStatus.TOO_MANY_REQUESTS, "Model busy", e.getMessage());
            case ModelUnavailableException e -> {
                log.warn("Refused a summary: {} ({})", e.getMessage(), causes(e.getCause()));
                yield problem(
                        HttpStatus.SERVICE_UNAVAILABLE,
                        "Model unavailable",
                        "The model is not ready: " + e.getMessage());
            }
            default -> {
                log.error("A summary failed: {}", causes(error));
                yield problem(
                        HttpStatus.INTERNAL_SERVER_ERROR,
                        "Summary failed",
                        "The summary could not be made; try again.");
            }
        };
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }

    /** The classes of an exception and its causes: what went wrong, without messages that might hold text. */
    static String causes(Throwable error) {
        return Stream.iterate(error, e -> e != null, Throwable::getCause)
                .map(e -> e.getClass().getName())
                .collect(Collectors.joining(" <- "));
    }
}
