package dev.med42.spring.autoconfigure;

import dev.med42.model.LlamaModel;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The health of the Med42 model, contributed as {@code med42}: UP once it is loaded, DOWN while it loads and after a
 * failed load (with the problem, not the stack trace), UNKNOWN before a lazy load. Details: the file, its
 * quantization, the context size and whether it is loaded. Never loads the model itself.
 */
public class Med42HealthIndicator implements HealthIndicator {
    private final Med42ModelLoader loader;
    private final Integer contextSize;

    /** {@code contextSize} as configured; null for the model's trained context. */
    public Med42HealthIndicator(Med42ModelLoader loader, Integer contextSize) {
        this.loader = loader;
        this.contextSize = contextSize;
    }

    @Override
    public Health health() {
        Med42ModelLoader.State state = loader.state();
        Health.Builder health = switch (state) {
            case LOADED -> Health.up();
            case NOT_LOADED -> Health.unknown();
            case LOADING, FAILED, CLOSED -> Health.down();
        };
        health.withDetail("file", loader.path().toString());
        LlamaModel model =
                state == Med42ModelLoader.State.LOADED ? loader.model().orElseThrow() : null;
        if (model != null) {
            health.withDetail("quantization", Quantization.of(model.file()));
        }
        if (contextSize != null || model != null) {
            health.withDetail(
                    "contextSize",
                    contextSize != null ? contextSize : model.config().contextLength());
        }
        health.withDetail("loaded", model != null);
        if (state == Med42ModelLoader.State.FAILED) {
            loader.failure().ifPresent(failure -> health.withDetail("error", failure.detail()));
        }
        return health.build();
    }
}
