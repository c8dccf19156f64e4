package dev.med42.hub;

import dev.med42.hub.DownloadException.Reason;
import dev.med42.json.Json;
import dev.med42.json.JsonException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A client of the Hugging Face Hub's file API: the files of a model repository at a revision ({@code GET
 * /api/models/{repo}/tree/{revision}}, every page), what the hub says about one file ({@code HEAD
 * /{repo}/resolve/{revision}/{path}}), and its bytes (the same path with {@code GET}, redirected to storage).
 * {@link ModelDownloader} builds on it.
 *
 * <pre>{@code
 * try (HuggingFaceHub hub = HuggingFaceHub.fromEnvironment()) { // HF_ENDPOINT, HF_TOKEN
 *     List<RepoFile> files = hub.listFiles("TheBloke/med42-70B-GGUF", "main");
 * }
 * }</pre>
 *
 * <p>The token is sent to the endpoint's own scheme, host and port only, never to the storage hosts it
 * redirects to. Thread-safe; close it to release its connections.
 */
public final class HuggingFaceHub implements AutoCloseable {
    public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");
    private static final Pattern REPO_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final int MAX_LISTING_BYTES = 64 * 1024 * 1024;

    private final URI endpoint;
    private final HubHttp http;
    private final Duration stallTimeout;

    private HuggingFaceHub(Builder builder) {
        this.endpoint = builder.endpoint;
        this.stallTimeout = builder.stallTimeout;
        this.http = new HubHttp(
                builder.endpoint,
                builder.token,
                builder.connectTimeout,
                builder.responseTimeout,
                new RetryPolicy(builder.maxAttempts, builder.initialRetryDelay, builder.maxRetryDelay));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A client configured by {@code HF_ENDPOINT} and {@code HF_TOKEN}, with default timeouts and retries. */
    public static HuggingFaceHub fromEnvironment() {
        return builder().environment(System::getenv).build();
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Whether requests to the hub carry a token. */
    public boolean hasToken() {
        return http.hasToken();
    }

    /**
     * Every file of a model repository at {@code revision} (a branch, tag or commit), in subfolders too,
     * following the listing's pages.
     *
     * @throws DownloadException for a gated, missing or private repository, an unknown revision, a
     *     malformed listing, or when the hub stays unreachable
     */
    public List<RepoFile> listFiles(String repo, String revision) throws IOException {
        return listFiles(repo, revision, DownloadListener.NONE);
    }

    List<RepoFile> listFiles(String repo, String revision, DownloadListener listener) throws IOException {
        checkRepo(repo);
        var subject = subject(repo, revision, null);
        URI page = URI.create(
                base() + "/api/models/" + encodePath(repo) + "/tree/" + encodeSegment(revision) + "?recursive=true");
        var files = new ArrayList<RepoFile>();
        Set<URI> seen = new HashSet<>();
        while (page != null) {
            if (!seen.add(page)) {
                throw new DownloadException(
                        Reason.BAD_RESPONSE, "the listing of " + repo + " pages in a loop at " + page);
            }
            try (HubHttp.Reply reply = http.send("GET", page, Map.of("Accept", "application/json"), true, listener)) {
                if (reply.status() != 200) {
                    throw HubErrors.error(reply, subject);
                }
                addFiles(files, readJson(reply, repo), repo);
                page = LinkHeader.next(reply.headers(), page).orElse(null);
            }
        }
        return List.copyOf(files);
    }

    private static Object readJson(HubHttp.Reply reply, String repo) throws IOException {
        try (InputStream body = reply.response().body()) {
            byte[] bytes = body.readNBytes(MAX_LISTING_BYTES + 1);
            if (bytes.length > MAX_LISTING_BYTES) {
                throw new DownloadException(Reason.BAD_RESPONSE, "a page of the listing of " + repo + " is too large");
            }
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            return Json.parse(text);
        } catch (JsonException | CharacterCodingException e) {
            throw new DownloadException(
                    Reason.BAD_RESPONSE, "the listing of " + repo + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static void addFiles(List<RepoFile> files, Object page, String repo) throws DownloadException {
        if (!(page instanceof List<?> entries)) {
            throw malformed(repo, "not an array");
        }
        for (Object item : entries) {
            if (!(item instanceof Map<?, ?> entry) || !(entry.get("type") instanceof String type)) {
                throw malformed(repo, "an entry without a type: " + item);
            }
            if (!type.equals("file")) {
                continue; // directories: their files are listed too
            }
            if (!(entry.get("path") instanceof String path) || path.isEmpty()) {
                throw malformed(repo, "a file without a path: " + entry);
            }
            if (!(entry.get("size") instanceof Long size) || size < 0) {
                throw malformed(repo, "no valid size for " + path);
            }
            String sha256 = null;
            if (entry.get("lfs") instanceof Map<?, ?> lfs) {
                if (!(lfs.get("oid") instanceof String oid)
                        || !SHA256.matcher(oid.toLowerCase(Locale.ROOT)).matches()) {
                    throw malformed(repo, "no valid LFS sha256 for " + path);
                }
                if (lfs.get("size") instanceof Long lfsSize && !lfsSize.equals(size)) {
                    throw malformed(repo, "two sizes for " + path + ": " + size + " and " + lfsSize + " (LFS)");
                }
                sha256 = oid.toLowerCase(Locale.ROOT);
            } else if (entry.get("lfs") != null) {
                throw malformed(repo, "no valid LFS entry for " + path);
            }
            files.add(new RepoFile(path, size, sha256));
        }
    }

    private static DownloadException malformed(String repo, String problem) {
        return new DownloadException(Reason.BAD_RESPONSE, "the file listing of " + repo + " is malformed: " + problem);
    }

    /**
     * What the hub says about one file, from the headers of a {@code HEAD} on its resolve URL (the redirect to
     * storage is not followed: its headers are the hub's).
     */
    public FileMetadata fileMetadata(String repo, String revision, String path) throws IOException {
        return fileMetadata(repo, revision, path, DownloadListener.NONE);
    }

    FileMetadata fileMetadata(String repo, String revision, String path, DownloadListener listener) throws IOException {
        try (HubHttp.Reply reply = http.send("HEAD", resolveUri(repo, revision, path), Map.of(), false, listener)) {
            int status = reply.status();
            boolean redirect = HubHttp.isRedirect(status);
            if (status != 200 && !redirect) {
                throw HubErrors.error(reply, subject(repo, revision, path));
            }
            return metadata(reply.hubHeaders(), !redirect);
        }
    }

    /** {@code X-Linked-*} first (an LFS file), else the headers of the content itself when it was served. */
    static FileMetadata metadata(HttpHeaders headers, boolean contentServed) {
        Optional<String> size = headers.firstValue("X-Linked-Size");
        if (size.isEmpty() && contentServed) {
            size = headers.firstValue("Content-Length");
        }
        OptionalLong bytes = OptionalLong.empty();
        try {
            if (size.isPresent()) {
                bytes = OptionalLong.of(Long.parseLong(size.get().strip()));
            }
        } catch (NumberFormatException e) {
            bytes = OptionalLong.empty(); // an unreadable size is checked by the bytes themselves
        }
        Optional<String> sha256 = headers.firstValue("X-Linked-Etag")
                .or(() -> headers.firstValue("ETag"))
                .map(HuggingFaceHub::entityTag)
                .filter(tag -> SHA256.matcher(tag).matches());
        return new FileMetadata(bytes, sha256, headers.firstValue("X-Repo-Commit"));
    }

    /** An entity tag without {@code W/} and quotes, in lower case: {@code W/"AB12"} → {@code ab12}. */
    private static String entityTag(String tag) {
        String t = tag.strip();
        if (t.startsWith("W/")) {
            t = t.substring(2);
        }
        if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
            t = t.substring(1, t.length() - 1);
        }
        return t.toLowerCase(Locale.ROOT);
    }

    /** {@code {endpoint}/{repo}/resolve/{revision}/{path}}, each part percent-encoded. */
    public URI resolveUri(String repo, String revision, String path) {
        checkRepo(repo);
        return URI.create(
                base() + "/" + encodePath(repo) + "/resolve/" + encodeSegment(revision) + "/" + encodePath(path));
    }

    /**
     * {@code GET} of a file's content from byte {@code offset} on ({@code Range: bytes=offset-} when above 0),
     * following redirects to storage. The caller judges the status (206, 200 or 416) and reads the body.
     */
    HubHttp.Reply openFile(String repo, String revision, String path, long offset, DownloadListener listener)
            throws IOException {
        Map<String, String> headers = offset > 0 ? Map.of("Range", "bytes=" + offset + "-") : Map.of();
        return http.send("GET", resolveUri(repo, revision, path), headers, true, listener);
    }

    HubErrors.Subject subject(String repo, String revision, String path) {
        return new HubErrors.Subject(endpoint, repo, revision, path, http.hasToken());
    }

    RetryPolicy retryPolicy() {
        return http.retry();
    }

    Duration stallTimeout() {
        return stallTimeout;
    }

    private String base() {
        return endpoint.toString().replaceAll("/+$", "");
    }

    static void checkRepo(String repo) {
        if (repo == null || !REPO_ID.matcher(repo).matches() || repo.contains("..")) {
            throw new IllegalArgumentException("not a repository id: '" + repo + "' (expected OWNER/NAME)");
        }
    }

    /** Percent-encodes each {@code /}-separated segment of {@code path}. */
    private static String encodePath(String path) {
        var out = new StringBuilder();
        for (String segment : path.split("/", -1)) {
            out.append(out.isEmpty() ? "" : "/").append(encodeSegment(segment));
        }
        return out.toString();
    }

    /** RFC 3986 percent-encoding of everything but unreserved characters ({@code /} included). */
    static String encodeSegment(String segment) {
        var out = new StringBuilder();
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || "-._~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        http.close();
    }

    /** Settings of a {@link HuggingFaceHub}; every one has a default. */
    public static final class Builder {
        private URI endpoint = DEFAULT_ENDPOINT;
        private String token;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration responseTimeout = Duration.ofSeconds(30);
        private Duration stallTimeout = Duration.ofSeconds(30);
        private int maxAttempts = 5;
        private Duration initialRetryDelay = Duration.ofSeconds(1);
        private Duration maxRetryDelay = Duration.ofSeconds(30);

        private Builder() {}

        /** The hub or a mirror of it, {@link #DEFAULT_ENDPOINT} by default; it may have a path prefix. */
        public Builder endpoint(URI endpoint) {
            String scheme =
                    endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || endpoint.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL with a host: " + endpoint);
            }
            this.endpoint = endpoint;
            return this;
        }

        /** The access token for gated and private repositories (null or blank for none). */
        public Builder token(String token) {
            this.token = token == null || token.isBlank() ? null : token.strip();
            return this;
        }

        /**
         * Reads {@code HF_ENDPOINT} and {@code HF_TOKEN} (or the older {@code HUGGING_FACE_HUB_TOKEN}) from
         * {@code environment}, for instance {@code System::getenv}; unset or blank ones change nothing.
         */
        public Builder environment(Function<String, String> environment) {
            String endpointValue = environment.apply("HF_ENDPOINT");
            if (endpointValue != null && !endpointValue.isBlank()) {
                try {
                    endpoint(URI.create(endpointValue.strip()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("HF_ENDPOINT: " + e.getMessage(), e);
                }
            }
            String tokenValue = environment.apply("HF_TOKEN");
            if (tokenValue == null || tokenValue.isBlank()) {
                tokenValue = environment.apply("HUGGING_FACE_HUB_TOKEN");
            }
            if (tokenValue != null && !tokenValue.isBlank()) {
                token(tokenValue);
            }
            return this;
        }

        /** How long to wait for a connection (10 s by default). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** How long to wait for the headers of an answer (30 s by default). */
        public Builder responseTimeout(Duration timeout) {
            this.responseTimeout = positive(timeout, "responseTimeout");
            return this;
        }

        /** How long a download may receive nothing before it is cut and resumed (30 s by default). */
        public Builder stallTimeout(Duration timeout) {
            this.stallTimeout = positive(timeout, "stallTimeout");
            return this;
        }

        /**
         * Attempts per request, the first included (5 by default); for a download, failures in a row without
         * progress.
         */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, got " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /** The first pause before a retry and the longest one: they double in between (1 s and 30 s). */
        public Builder retryDelays(Duration initial, Duration max) {
            if (initial.isNegative() || max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("need 0 <= initial <= max, got " + initial + ", " + max);
            }
            this.initialRetryDelay = initial;
            this.maxRetryDelay = max;
            return this;
        }

        public HuggingFaceHub build() {
            return new HuggingFaceHub(this);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + d);
            }
            return d;
        }
    }
}
