package dev.med42.spring.autoconfigure.server;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;

/** Every failure of the API's controllers as OpenAI's error object; only a bug is a 500, and it is logged. */
@RestControllerAdvice(
        assignableTypes = {
            ChatCompletionsController.class,
            CompletionsController.class,
            ModelsController.class,
            HealthController.class,
            MetricsController.class,
            UnknownRouteController.class
        })
final class ApiExceptionHandler {
    private static final System.Logger LOG = System.getLogger(ApiExceptionHandler.class.getName());

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> handle(Exception failure) {
        return describe(failure).toResponse();
    }

    /**
     * A client that went away, mid-stream as a rule (Spring reports the failed write once more): there is nobody to
     * answer and nothing wrong with the server. Its generation is cancelled already ({@link SseStream}).
     */
    @ExceptionHandler(AsyncRequestNotUsableException.class)
    void clientGone() {}

    /** The failure as the client is told it; an unexpected one (a bug) is logged. */
    static ApiException describe(Throwable failure) {
        ApiException api = ApiException.from(failure);
        if (api.status().is5xxServerError() && api != failure) {
            LOG.log(System.Logger.Level.ERROR, "the Med42 API failed", failure);
        }
        return api;
    }
}
