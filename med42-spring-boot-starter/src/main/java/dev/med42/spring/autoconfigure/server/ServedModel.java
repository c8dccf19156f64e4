package dev.med42.spring.autoconfigure.server;

import dev.med42.generate.BatchScheduler;
import dev.med42.model.KVCacheType;
import dev.med42.model.LlamaModel;
import dev.med42.spring.autoconfigure.Med42ModelLoader;
import dev.med42.spring.autoconfigure.Med42Properties;
import java.time.Instant;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

/**
 * The model as the API serves it: one {@link BatchScheduler} over the starter's model, whose slots hold {@code
 * med42.model.context-size} tokens each. Loaded at startup by default; with {@code med42.model.load-on-startup=false}
 * it loads in the background once the application is ready, as llama.cpp's server does, and the API answers 503
 * "Loading model" until then.
 */
final class ServedModel implements ApplicationListener<ApplicationReadyEvent>, AutoCloseable {
    private final Med42ModelLoader loader;
    private final Med42Properties properties;
    private volatile Ready ready;
    private volatile RuntimeException failure;
    private boolean closed;

    /** The loaded model and what serves it. */
    record Ready(LlamaModel model, BatchScheduler scheduler, String name, long created) {}

    ServedModel(Med42ModelLoader loader, Med42Properties properties) {
        this.loader = loader;
        this.properties = properties;
        if (loader.state() == Med42ModelLoader.State.LOADED) {
            load();
        }
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        if (ready == null) {
            Thread.ofPlatform().name("med42-model-loader").daemon().start(this::load);
        }
    }

    private synchronized void load() {
        if (ready != null || closed) {
            return;
        }
        try {
            LlamaModel model = loader.load();
            Med42Properties.Server server = properties.getServer();
            Integer contextSize = properties.getModel().getContextSize();
            BatchScheduler scheduler = new BatchScheduler(
                    model,
                    new BatchScheduler.Options(
                            server.getSlots(),
                            contextSize != null ? contextSize : model.config().contextLength(),
                            KVCacheType.F16,
                            server.getTokenBudget(),
                            server.getQueueLimit()));
            String name = server.getModelName() != null ? server.getModelName() : name(model);
            ready = new Ready(model, scheduler, name, Instant.now().getEpochSecond());
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    /** The GGUF {@code general.name}, else the file name without its extension, as the LangChain4j adapter says. */
    private static String name(LlamaModel model) {
        return model.file().metadata().getString("general.name").orElseGet(() -> {
            String file = model.file().path().getFileName().toString();
            return file.endsWith(".gguf") ? file.substring(0, file.length() - ".gguf".length()) : file;
        });
    }

    /**
     * The model, ready to serve.
     *
     * @throws ApiException 503 while it loads or when it failed to load
     */
    Ready ready() {
        Ready current = ready;
        if (current != null) {
            return current;
        }
        RuntimeException failed = failure;
        if (failed != null) {
            throw ApiException.unavailable("the model failed to load: " + failed.getMessage());
        }
        throw ApiException.loading();
    }

    boolean isReady() {
        return ready != null;
    }

    /** Fails what is queued or running and frees the slots; the starter's loader unmaps the model after this. */
    @Override
    public synchronized void close() {
        closed = true;
        if (ready != null) {
            ready.scheduler().close();
        }
    }
}
