package dev.med42.spring.autoconfigure;

import dev.med42.model.LlamaModel;
import dev.med42.tensor.MatMul;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Loads the configured model file once, at startup or on first use, remembers how that went for the health
 * indicator, and unmaps the model when the application context closes. A failed load is tried again on the next
 * use, so a file that appears later (a download still running) is picked up. With {@code
 * med42.model.download.enabled}, a missing file is downloaded first.
 */
public class Med42ModelLoader implements AutoCloseable {
    private volatile Path path;
    private final int threads;
    private final DownloadOnStartup download; // null: a missing file is a failure
    private volatile State state = State.NOT_LOADED;
    private volatile LlamaModel model;
    private volatile Med42ModelException failure;

    /** Where the model is. */
    public enum State {
        /** Not asked for yet: loads on first use. */
        NOT_LOADED,
        LOADING,
        LOADED,
        /** The last attempt failed; see {@link #failure()}. */
        FAILED,
        /** The context closed and the model is unmapped. */
        CLOSED
    }

    /** A loader computing on one thread per available processor (or {@code -Dmed42.threads}). */
    public Med42ModelLoader(Path path) {
        this(path, MatMul.defaultThreads());
    }

    /** A loader whose model computes on {@code threads} threads. */
    public Med42ModelLoader(Path path, int threads) {
        this(path, threads, null);
    }

    /** A loader that first downloads a missing file, when {@code download} is not null. */
    Med42ModelLoader(Path path, int threads, DownloadOnStartup download) {
        this.path = Objects.requireNonNull(path, "path");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        this.threads = threads;
        this.download = download;
    }

    /**
     * The model, loaded now if it is not yet. Callers wait while another thread loads it.
     *
     * @throws Med42ModelException when the file cannot be used
     * @throws IllegalStateException when the loader is closed
     */
    public synchronized LlamaModel load() {
        if (state == State.CLOSED) {
            throw new IllegalStateException("the Med42 model is closed: the application context has closed");
        }
        if (model == null) {
            state = State.LOADING;
            try {
                if (download != null) {
                    path = download.fetchIfMissing(path);
                }
                model = open(path, threads);
                failure = null;
                state = State.LOADED;
            } catch (Med42ModelException e) {
                failure = e;
                state = State.FAILED;
                throw e;
            }
        }
        return model;
    }

    private static LlamaModel open(Path path, int threads) {
        // A directory is checked first: mapping one fails later, as an unhelpful format error.
        if (Files.isDirectory(path)) {
            throw new Med42ModelException(
                    path, Med42ModelException.Problem.DIRECTORY, "it is a directory, not a GGUF file", null);
        }
        try {
            return LlamaModel.load(path, threads);
        } catch (IOException e) {
            throw Med42ModelException.diagnose(path, e);
        }
    }

    /** The model file: as configured, or the one downloaded for it. */
    public Path path() {
        return path;
    }

    public State state() {
        return state;
    }

    /** The model once loaded; never loads it. */
    public Optional<LlamaModel> model() {
        return Optional.ofNullable(model);
    }

    /** Why the last attempt failed, while the state is {@link State#FAILED}. */
    public Optional<Med42ModelException> failure() {
        return Optional.ofNullable(failure);
    }

    /** Unmaps the model; any use after this fails. */
    @Override
    public synchronized void close() {
        state = State.CLOSED;
        if (model != null) {
            model.close();
        }
    }
}
