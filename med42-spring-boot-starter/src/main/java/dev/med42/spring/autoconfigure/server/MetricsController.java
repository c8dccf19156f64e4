package dev.med42.spring.autoconfigure.server;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /metrics}: {@link ServerMetrics} and the scheduler's queue, in Prometheus' text format 0.0.4. */
@RestController
final class MetricsController {
    private static final MediaType PROMETHEUS = MediaType.parseMediaType("text/plain; version=0.0.4; charset=utf-8");

    private final ServedModel served;
    private final ServerMetrics metrics;

    MetricsController(ServedModel served, ServerMetrics metrics) {
        this.served = served;
        this.metrics = metrics;
    }

    @GetMapping("/metrics")
    ResponseEntity<String> metrics() {
        ServedModel.Ready model = served.ready();
        String text = metrics.prometheus(
                model.scheduler().activeRequests(), model.scheduler().waitingRequests());
        return ResponseEntity.ok().contentType(PROMETHEUS).body(text);
    }
}
