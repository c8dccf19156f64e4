package dev.med42.samples.summarizer.model;

import dev.med42.model.LlamaModel;
import dev.med42.spring.autoconfigure.Med42ModelException;
import dev.med42.spring.autoconfigure.Med42ModelLoader;
import dev.med42.spring.autoconfigure.Med42Properties;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Whether the model can take a request, and what it is. It asks the starter's loader, so with
 * {@code med42.model.load-on-startup=false} the first request loads the model, and a request that comes while it
 * loads, or after a failed load, is refused with 503 instead of waiting or failing with a stack trace.
 */
@Component
public class ModelStatus {
    private final Med42ModelLoader loader;
    private final Med42Properties properties;

    public ModelStatus(Med42ModelLoader loader, Med42Properties properties) {
        this.loader = loader;
        this.properties = properties;
    }

    /**
     * Loads the model if it is not yet loaded.
     *
     * @throws ModelUnavailableException while another request loads it, or when it cannot be loaded (the reason is
     *     logged by whoever loads it and shown by the {@code med42} health component, not told to the client)
     */
    public void requireReady() {
        if (loader.state() == Med42ModelLoader.State.LOADING) {
            throw new ModelUnavailableException("the model is still loading", null);
        }
        try {
            loader.load();
        } catch (Med42ModelException | IllegalStateException e) {
            throw new ModelUnavailableException("the model could not be loaded", e);
        }
    }

    /** The loaded model's description; empty while it is not loaded (this never loads it). */
    public Optional<ModelInfo> info() {
        return loader.model().map(model -> ModelInfo.of(model, contextSize(model)));
    }

    /** Tokens per session, as the starter sizes its session pool. */
    public int contextSize(LlamaModel model) {
        Integer configured = properties.getModel().getContextSize();
        return configured != null ? configured : model.config().contextLength();
    }
}
