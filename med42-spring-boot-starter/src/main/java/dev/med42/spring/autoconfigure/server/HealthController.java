package dev.med42.spring.autoconfigure.server;

import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /health} (and {@code /v1/health}), as llama.cpp's server answers it: 200 {@code {"status":"ok"}} once the model is ready, 503 with
 * llama.cpp's "Loading model" error until then. Never needs the API key, so that load balancers can ask.
 */
@RestController
final class HealthController {
    private final ServedModel served;

    HealthController(ServedModel served) {
        this.served = served;
    }

    @GetMapping({"/health", "/v1/health"})
    ResponseEntity<Object> health() {
        try {
            served.ready();
            return ResponseEntity.ok(Map.of("status", "ok"));
        } catch (ApiException notReady) {
            return notReady.toResponse();
        }
    }
}
