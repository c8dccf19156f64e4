package dev.med42.spring.autoconfigure;

import dev.med42.chat.Disclaimer.Position;
import dev.med42.hub.DownloadRequest;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration of the Med42 model (a file in this JVM, or a remote server), its default generation settings and its
 * safety disclaimer, under {@code med42.*}.
 * The sampler defaults are the Med42 model card's (temperature 0.7, repeat penalty 1.1) and llama.cpp's otherwise.
 *
 * <p>The properties validate themselves (Spring Boot calls {@link #validate} after binding), so that a value out of
 * range fails startup with a report naming its key, without Jakarta Validation on the class path.
 */
@ConfigurationProperties(Med42Properties.PREFIX)
public class Med42Properties implements Validator {
    public static final String PREFIX = "med42";

    private final Model model = new Model();
    private final Generation generation = new Generation();
    private final Disclaimer disclaimer = new Disclaimer();
    private final Server server = new Server();
    private final Remote remote = new Remote();

    public Model getModel() {
        return model;
    }

    public Generation getGeneration() {
        return generation;
    }

    public Disclaimer getDisclaimer() {
        return disclaimer;
    }

    public Server getServer() {
        return server;
    }

    public Remote getRemote() {
        return remote;
    }

    /** The model file and how it is served. */
    public static class Model {
        /**
         * The Med42 GGUF file, for example /models/med42-70b.Q4_K_M.gguf. Setting it switches Med42 on in this JVM;
         * for a remote server set med42.remote.base-url instead.
         */
        private Path path;

        /**
         * Tokens per session: the conversation and its answer together. Default: the model's trained context (4096 for
         * Med42).
         */
        private Integer contextSize;

        /**
         * How many requests generate at once, each in its own session with its own KV cache (1.3 GB for Med42-70B at
         * 4096 tokens); further requests wait for a free one.
         */
        private int sessions = 1;

        /**
         * Compute threads for the matrix products (llama.cpp's {@code -t}). Default: one per available processor.
         */
        private Integer threads;

        /**
         * Whether to load the model while the application starts, so that a bad file fails startup. When false it
         * loads when a bean first needs it.
         */
        private boolean loadOnStartup = true;

        private final Download download = new Download();

        public Path getPath() {
            return path;
        }

        public void setPath(Path path) {
            this.path = path;
        }

        public Integer getContextSize() {
            return contextSize;
        }

        public void setContextSize(Integer contextSize) {
            this.contextSize = contextSize;
        }

        public int getSessions() {
            return sessions;
        }

        public void setSessions(int sessions) {
            this.sessions = sessions;
        }

        public Integer getThreads() {
            return threads;
        }

        public void setThreads(Integer threads) {
            this.threads = threads;
        }

        public boolean isLoadOnStartup() {
            return loadOnStartup;
        }

        public void setLoadOnStartup(boolean loadOnStartup) {
            this.loadOnStartup = loadOnStartup;
        }

        public Download getDownload() {
            return download;
        }

        /**
         * Fetching the model from Hugging Face when its file is missing, before it is loaded (at startup, or on first
         * use with load-on-startup=false), as ./med42 download does: resumed after a broken connection and checked
         * against the hub's sha256.
         */
        public static class Download {
            /** Whether to download the model when med42.model.path does not exist. */
            private boolean enabled = false;

            /** The Hugging Face repository of Med42 GGUF files. */
            private String repo = DownloadRequest.DEFAULT_REPO;

            /** The quantization to fetch, matched ignoring case against the repository's file names. */
            private String quant = "Q4_K_M";

            /** The branch, tag or commit of the repository. */
            private String revision = DownloadRequest.DEFAULT_REVISION;

            /** Where the files go. Default: the directory of med42.model.path. */
            private Path dir;

            /** The hub or a mirror of it. Default: the HF_ENDPOINT environment variable, else https://huggingface.co. */
            private URI endpoint;

            /** The access token for gated repositories. Default: the HF_TOKEN environment variable. */
            private String token;

            public boolean isEnabled() {
                return enabled;
            }

            public void setEnabled(boolean enabled) {
                this.enabled = enabled;
            }

            public String getRepo() {
                return repo;
            }

            public void setRepo(String repo) {
                this.repo = repo;
            }

            public String getQuant() {
                return quant;
            }

            public void setQuant(String quant) {
                this.quant = quant;
            }

            public String getRevision() {
                return revision;
            }

            public void setRevision(String revision) {
                this.revision = revision;
            }

            public Path getDir() {
                return dir;
            }

            public void setDir(Path dir) {
                this.dir = dir;
            }

            public URI getEndpoint() {
                return endpoint;
            }

            public void setEndpoint(URI endpoint) {
                this.endpoint = endpoint;
            }

            public String getToken() {
                return token;
            }

            public void setToken(String token) {
                this.token = token;
            }
        }
    }

    /** Default generation settings of every request; a request's own parameters win over them. */
    public static class Generation {
        /** Randomness of the answer; 0 = greedy (always the most likely token). */
        private double temperature = 0.7;

        /** Keep only the k most likely tokens; 0 = off. */
        private int topK = 40;

        /** Keep the smallest set of likely tokens whose probabilities add up to top-p; 1 = off. */
        private double topP = 0.95;

        /** Keep tokens at least min-p times as likely as the most likely one; 0 = off. */
        private double minP = 0.05;

        /** Penalty on recently generated tokens; 1 = off. */
        private double repeatPenalty = 1.1;

        /** The most tokens of an answer. Default: no limit but the context. */
        private Integer maxTokens;

        /** The sampler's random seed, for repeatable answers. Default: a new random seed per request (also -1). */
        private Integer seed;

        /**
         * The system prompt of a conversation that has none; empty for none. Default: the model card's ("You are a
         * helpful medical assistant created by M42 Health in the UAE.").
         */
        private String systemPrompt;

        public double getTemperature() {
            return temperature;
        }

        public void setTemperature(double temperature) {
            this.temperature = temperature;
        }

        public int getTopK() {
            return topK;
        }

        public void setTopK(int topK) {
            this.topK = topK;
        }

        public double getTopP() {
            return topP;
        }

        public void setTopP(double topP) {
            this.topP = topP;
        }

        public double getMinP() {
            return minP;
        }

        public void setMinP(double minP) {
            this.minP = minP;
        }

        public double getRepeatPenalty() {
            return repeatPenalty;
        }

        public void setRepeatPenalty(double repeatPenalty) {
            this.repeatPenalty = repeatPenalty;
        }

        public Integer getMaxTokens() {
            return maxTokens;
        }

        public void setMaxTokens(Integer maxTokens) {
            this.maxTokens = maxTokens;
        }

        public Integer getSeed() {
            return seed;
        }

        public void setSeed(Integer seed) {
            this.seed = seed;
        }

        public String getSystemPrompt() {
            return systemPrompt;
        }

        public void setSystemPrompt(String systemPrompt) {
            this.systemPrompt = systemPrompt;
        }
    }

    /**
     * The safety notice on every answer: Med42's model card says the model is not ready for clinical use and may be
     * wrong.
     */
    public static class Disclaimer {
        /** Whether answers carry the disclaimer. */
        private boolean enabled = true;

        /** The disclaimer text. Default: a notice that the answer is AI-generated and no substitute for a clinician. */
        private String text = dev.med42.chat.Disclaimer.DEFAULT_TEXT;

        /** Where the disclaimer goes. */
        private Position position = Position.AFTER_ANSWER;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getText() {
            return text;
        }

        public void setText(String text) {
            this.text = text;
        }

        public Position getPosition() {
            return position;
        }

        public void setPosition(Position position) {
            this.position = position;
        }

        /** The disclaimer these settings describe. */
        public dev.med42.chat.Disclaimer toDisclaimer() {
            return enabled && position != Position.OFF
                    ? new dev.med42.chat.Disclaimer(text, position)
                    : dev.med42.chat.Disclaimer.OFF;
        }
    }

    /**
     * The OpenAI-compatible HTTP API, in a servlet web application: continuous batching over {@code slots} sequences.
     */
    public static class Server {
        /**
         * Whether to serve the OpenAI-compatible API: /v1/chat/completions, /v1/completions, /v1/models, /health and
         * /metrics.
         */
        private boolean enabled = false;

        /**
         * Sequences decoded together (llama.cpp's -np), each with a KV cache of med42.model.context-size tokens (1.3 GB
         * for Med42-70B at 4096 tokens); further requests wait in the queue.
         */
        private int slots = 1;

        /**
         * The most tokens evaluated in one step: a token of every generating sequence plus prompt chunks of new ones.
         * At least slots.
         */
        private int tokenBudget = 512;

        /** Requests that may wait for a free slot; beyond them the API answers 429 with Retry-After. */
        private int queueLimit = 16;

        /** The key clients must send as "Authorization: Bearer KEY". Default: none, every request is served. */
        private String apiKey;

        /** The model name in responses and in /v1/models. Default: the GGUF general.name, else the file name. */
        private String modelName;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getSlots() {
            return slots;
        }

        public void setSlots(int slots) {
            this.slots = slots;
        }

        public int getTokenBudget() {
            return tokenBudget;
        }

        public void setTokenBudget(int tokenBudget) {
            this.tokenBudget = tokenBudget;
        }

        public int getQueueLimit() {
            return queueLimit;
        }

        public void setQueueLimit(int queueLimit) {
            this.queueLimit = queueLimit;
        }

        public String getApiKey() {
            return apiKey;
        }

        public void setApiKey(String apiKey) {
            this.apiKey = apiKey;
        }

        public String getModelName() {
            return modelName;
        }

        public void setModelName(String modelName) {
            this.modelName = modelName;
        }
    }

    /**
     * Med42 on a remote OpenAI-compatible server (vLLM, llama.cpp's server, ./med42 serve) instead of in this JVM: the
     * prompt is rendered here and sent to its /v1/completions.
     */
    public static class Remote {
        /**
         * The server's root URL, without /v1, for example http://gpu-node:8000. Setting it switches Med42 on with the
         * remote server; med42.model.path is then not used.
         */
        private URI baseUrl;

        /** The server's API key, sent as "Authorization: Bearer KEY". Default: none. */
        private String apiKey;

        /**
         * The name the server serves Med42 under (vLLM: --served-model-name, else the repository id; llama.cpp's
         * server takes any). Required with base-url.
         */
        private String model;

        /** The longest wait for a connection to the server. */
        private Duration connectTimeout = Duration.ofSeconds(10);

        /**
         * The longest silence from the server: for its answer to begin (it evaluates the prompt meanwhile), then
         * between two pieces of it. A stream that stalls longer fails with a timeout.
         */
        private Duration readTimeout = Duration.ofSeconds(60);

        /**
         * How often a request is tried again while the server answers 503 (loading its model) or cannot be reached,
         * after 1, 2, 4 ... s (at most 30 s each); 0 for never.
         */
        private int maxRetries = 3;

        public URI getBaseUrl() {
            return baseUrl;
        }

        public void setBaseUrl(URI baseUrl) {
            this.baseUrl = baseUrl;
        }

        public String getApiKey() {
            return apiKey;
        }

        public void setApiKey(String apiKey) {
            this.apiKey = apiKey;
        }

        public String getModel() {
            return model;
        }

        public void setModel(String model) {
            this.model = model;
        }

        public Duration getConnectTimeout() {
            return connectTimeout;
        }

        public void setConnectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
        }

        public Duration getReadTimeout() {
            return readTimeout;
        }

        public void setReadTimeout(Duration readTimeout) {
            this.readTimeout = readTimeout;
        }

        public int getMaxRetries() {
            return maxRetries;
        }

        public void setMaxRetries(int maxRetries) {
            this.maxRetries = maxRetries;
        }
    }

    @Override
    public boolean supports(Class<?> type) {
        return type == Med42Properties.class;
    }

    /**
     * Checks every value once bound. Fields are named by their dashed keys, so that the startup report names the key
     * as it is written ({@code med42.generation.top-p}).
     */
    @Override
    public void validate(Object target, Errors errors) {
        Model m = ((Med42Properties) target).model;
        Remote r = ((Med42Properties) target).remote;
        boolean remote = r.baseUrl != null;
        require(
                remote || (m.path != null && !m.path.toString().isBlank()),
                "model.path",
                "must name a GGUF file (or set med42.remote.base-url for a remote server)",
                errors);
        require(m.contextSize == null || m.contextSize > 0, "model.context-size", "must be positive", errors);
        require(m.sessions >= 1, "model.sessions", "must be at least 1", errors);
        require(m.threads == null || m.threads >= 1, "model.threads", "must be at least 1", errors);
        Model.Download download = m.download;
        if (download.enabled) {
            require(
                    download.repo != null && !download.repo.isBlank(),
                    "model.download.repo",
                    "must name a repository",
                    errors);
            require(
                    download.quant != null && !download.quant.isBlank(),
                    "model.download.quant",
                    "must name a quantization, for example Q4_K_M",
                    errors);
            require(
                    download.revision != null && !download.revision.isBlank(),
                    "model.download.revision",
                    "must name a branch, tag or commit",
                    errors);
        }

        if (remote) {
            require(
                    m.path == null,
                    "remote.base-url",
                    "cannot be set with med42.model.path: Med42 runs either in this JVM or on a remote server",
                    errors);
            require(
                    r.model != null && !r.model.isBlank(),
                    "remote.model",
                    "must name the model the server serves (vLLM: its --served-model-name)",
                    errors);
            require(
                    r.apiKey == null || !r.apiKey.isBlank(),
                    "remote.api-key",
                    "must not be blank; leave it unset for none",
                    errors);
            require(positive(r.connectTimeout), "remote.connect-timeout", "must be positive", errors);
            require(positive(r.readTimeout), "remote.read-timeout", "must be positive", errors);
            require(r.maxRetries >= 0, "remote.max-retries", "must be 0 or more", errors);
            require(
                    !((Med42Properties) target).server.enabled,
                    "server.enabled",
                    "serves the model of this JVM (med42.model.path), not a remote server",
                    errors);
        }

        Generation g = ((Med42Properties) target).generation;
        require(
                Double.isFinite(g.temperature) && g.temperature >= 0,
                "generation.temperature",
                "must be 0 (greedy) or more",
                errors);
        require(g.topK >= 0, "generation.top-k", "must be 0 (off) or more", errors);
        require(g.topP >= 0 && g.topP <= 1, "generation.top-p", "must be between 0 and 1 (1 = off)", errors);
        require(g.minP >= 0 && g.minP <= 1, "generation.min-p", "must be between 0 (off) and 1", errors);
        require(
                Double.isFinite(g.repeatPenalty) && g.repeatPenalty > 0,
                "generation.repeat-penalty",
                "must be more than 0 (1 = off)",
                errors);
        require(g.maxTokens == null || g.maxTokens > 0, "generation.max-tokens", "must be positive", errors);
        require(g.seed == null || g.seed >= -1, "generation.seed", "must be 0 or more, or -1 for random", errors);

        Disclaimer d = ((Med42Properties) target).disclaimer;
        require(
                !d.enabled || d.position == Position.OFF || (d.text != null && !d.text.isBlank()),
                "disclaimer.text",
                "must not be blank; to switch the disclaimer off, set med42.disclaimer.enabled=false",
                errors);

        Server v = ((Med42Properties) target).server;
        require(v.slots >= 1, "server.slots", "must be at least 1", errors);
        require(
                v.tokenBudget >= v.slots,
                "server.token-budget",
                "must be at least server.slots (a token of every generating sequence)",
                errors);
        require(v.queueLimit >= 0, "server.queue-limit", "must be 0 or more", errors);
        require(
                v.apiKey == null || !v.apiKey.isBlank(),
                "server.api-key",
                "must not be blank; leave it unset for none",
                errors);
        require(v.modelName == null || !v.modelName.isBlank(), "server.model-name", "must not be blank", errors);
    }

    private static boolean positive(Duration duration) {
        return duration != null && duration.isPositive();
    }

    private static void require(boolean valid, String field, String message, Errors errors) {
        if (!valid) {
            errors.rejectValue(field, "invalid", message);
        }
    }
}
