package dev.med42.hub;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.Buffer;

/**
 * A local imitation of the Hugging Face Hub on 127.0.0.1, and of its storage ("CDN") on another port reached
 * by another host name, {@code localhost}: the tree listing (paged when {@link #pageSize} is set), the resolve
 * endpoint with its {@code X-Linked-*} headers and redirect to storage, storage that honours {@code Range},
 * the hub's error codes, and faults injected per request.
 */
final class FakeHub implements AutoCloseable {
    static final String TOKEN = "hf_test_token";
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    static final String REPO = "TheBloke/med42-70B-GGUF";

    final MockWebServer hub = new MockWebServer();
    final MockWebServer cdn = new MockWebServer();

    private final Map<String, Map<String, byte[]>> repos = new ConcurrentHashMap<>();
    /** Repositories that want {@link #TOKEN}: 401 without a token, 403 with another. */
    final Set<String> gated = ConcurrentHashMap.newKeySet();
    /** Old repository id → new one: the hub redirects with a relative Location. */
    final Map<String, String> renamed = new ConcurrentHashMap<>();
    /** Header values the resolve endpoint gives instead of the true ones, by file path. */
    final Map<String, String> linkedSize = new ConcurrentHashMap<>();

    final Map<String, String> linkedEtag = new ConcurrentHashMap<>();
    /** Bytes storage serves instead of the true ones, by file path. */
    final Map<String, byte[]> servedInstead = new ConcurrentHashMap<>();
    /** Files per listing page; 0 for one page. */
    volatile int pageSize;
    /** Answers to the next hub or storage requests, in order, before the normal ones. */
    final Queue<Function<RecordedRequest, MockResponse>> nextHub = new ConcurrentLinkedQueue<>();

    final Queue<Function<RecordedRequest, MockResponse>> nextCdn = new ConcurrentLinkedQueue<>();

    FakeHub() throws IOException {
        hub.setDispatcher(dispatcher(nextHub, this::serveHub));
        cdn.setDispatcher(dispatcher(nextCdn, this::serveCdn));
        hub.start(InetAddress.getByName("127.0.0.1"), 0);
        cdn.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + hub.getPort());
    }

    /** A client of this hub with {@link #TOKEN} and timeouts and pauses short enough for tests. */
    HuggingFaceHub.Builder client() {
        return HuggingFaceHub.builder()
                .endpoint(endpoint())
                .token(TOKEN)
                .connectTimeout(Duration.ofSeconds(2))
                .responseTimeout(Duration.ofSeconds(2))
                .stallTimeout(Duration.ofMillis(300))
                .maxAttempts(3)
                .retryDelays(Duration.ofMillis(10), Duration.ofMillis(40));
    }

    FakeHub add(String repo, String path, byte[] content) {
        repos.computeIfAbsent(repo, r -> new ConcurrentHashMap<>()).put(path, content);
        return this;
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Bytes that differ from file to file and position to position. */
    static byte[] content(int size, int seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** The requests received so far, oldest first (each is taken once). */
    static List<RecordedRequest> requests(MockWebServer server) throws InterruptedException {
        var result = new ArrayList<RecordedRequest>();
        for (RecordedRequest r; (r = server.takeRequest(0, TimeUnit.MILLISECONDS)) != null; ) {
            result.add(r);
        }
        return result;
    }

    private static Dispatcher dispatcher(
            Queue<Function<RecordedRequest, MockResponse>> injected, Function<RecordedRequest, MockResponse> normal) {
        return new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                Function<RecordedRequest, MockResponse> next = injected.poll();
                return next != null ? next.apply(request) : normal.apply(request);
            }
        };
    }

    // The hub

    MockResponse serveHub(RecordedRequest request) {
        List<String> segments = request.getUrl().pathSegments();
        if (segments.size() >= 6
                && segments.get(0).equals("api")
                && segments.get(1).equals("models")
                && segments.get(4).equals("tree")) {
            String repo = segments.get(2) + "/" + segments.get(3);
            return repoCheck(request, repo).orElseGet(() -> listing(request, repo, segments.get(5)));
        }
        if (segments.size() >= 5 && segments.get(2).equals("resolve")) {
            String repo = segments.get(0) + "/" + segments.get(1);
            String path = String.join("/", segments.subList(4, segments.size()));
            return repoCheck(request, repo).orElseGet(() -> resolve(request, repo, segments.get(3), path));
        }
        return error(404, null, "no such route");
    }

    private Optional<MockResponse> repoCheck(RecordedRequest request, String repo) {
        String authorization = request.getHeaders().get("Authorization");
        if (renamed.containsKey(repo)) {
            String path = request.getUrl().encodedPath().replace(repo, renamed.get(repo));
            String query = request.getUrl().encodedQuery();
            return Optional.of(new MockResponse.Builder()
                    .code(307)
                    .setHeader("Location", path + (query == null ? "" : "?" + query))
                    .build());
        }
        if (!repos.containsKey(repo)) {
            // As the hub does: a missing repository looks like a private one to a caller without a token.
            return Optional.of(error(authorization == null ? 401 : 404, "RepoNotFound", "Repository not found"));
        }
        if (gated.contains(repo) && !("Bearer " + TOKEN).equals(authorization)) {
            return Optional.of(
                    error(
                            authorization == null ? 401 : 403,
                            "GatedRepo",
                            "Access to model " + repo
                                    + " is restricted. You must have access to it and be authenticated to access it. Please log in."));
        }
        return Optional.empty();
    }

    private MockResponse listing(RecordedRequest request, String repo, String revision) {
        if (!revision.equals("main") && !revision.equals(COMMIT)) {
            return error(404, "RevisionNotFound", "Invalid rev id: " + revision);
        }
        List<String> entries = new ArrayList<>();
        Set<String> folders = new TreeSet<>();
        Map<String, byte[]> files = new TreeMap<>(repos.get(repo));
        files.keySet().forEach(p -> {
            for (int i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) {
                folders.add(p.substring(0, i));
            }
        });
        folders.forEach(f -> entries.add(
                "{\"type\":\"directory\",\"oid\":\"" + "d".repeat(40) + "\",\"size\":0,\"path\":\"" + f + "\"}"));
        files.forEach((path, content) -> entries.add(
                path.contains(".gguf")
                        ? "{\"type\":\"file\",\"oid\":\"" + "a".repeat(40) + "\",\"size\":" + content.length
                                + ",\"lfs\":{\"oid\":\"" + sha256(content) + "\",\"size\":" + content.length
                                + ",\"pointerSize\":134},\"path\":\"" + path + "\"}"
                        : "{\"type\":\"file\",\"oid\":\"" + "b".repeat(40) + "\",\"size\":" + content.length
                                + ",\"path\":\"" + path + "\"}"));
        int from = 0;
        String cursor = request.getUrl().queryParameter("cursor");
        if (cursor != null) {
            from = Integer.parseInt(cursor);
        }
        int to = pageSize == 0 ? entries.size() : Math.min(entries.size(), from + pageSize);
        var response = new MockResponse.Builder()
                .code(200)
                .setHeader("Content-Type", "application/json; charset=utf-8")
                .body("[" + String.join(",", entries.subList(from, to)) + "]");
        if (to < entries.size()) {
            response.addHeader(
                    "Link",
                    "<" + endpoint() + "/api/models/" + repo + "/tree/" + revision + "?recursive=true&cursor=" + to
                            + ">; rel=\"next\"");
        }
        return response.build();
    }

    private MockResponse resolve(RecordedRequest request, String repo, String revision, String path) {
        if (!revision.equals("main") && !revision.equals(COMMIT)) {
            return error(404, "RevisionNotFound", "Invalid rev id: " + revision);
        }
        byte[] content = repos.get(repo).get(path);
        if (content == null) {
            return error(404, "EntryNotFound", path + " does not exist on \"" + revision + "\"");
        }
        String sha = sha256(content);
        if (!path.contains(".gguf")) {
            var response = new MockResponse.Builder()
                    .code(200)
                    .setHeader("ETag", "\"" + "b".repeat(40) + "\"")
                    .setHeader("X-Repo-Commit", COMMIT);
            return request.getMethod().equals("HEAD")
                    ? response.setHeader("Content-Length", content.length).build()
                    : response.body(new Buffer().write(content)).build();
        }
        return new MockResponse.Builder()
                .code(302)
                .setHeader(
                        "Location",
                        "http://localhost:" + cdn.getPort() + "/repos/ab/cd/" + sha
                                + "?X-Amz-Signature=secret&response-content-disposition=attachment")
                .setHeader("X-Linked-Size", linkedSize.getOrDefault(path, Integer.toString(content.length)))
                .setHeader("X-Linked-Etag", linkedEtag.getOrDefault(path, "\"" + sha + "\""))
                .setHeader("ETag", "W/\"" + "c".repeat(40) + "\"")
                .setHeader("X-Repo-Commit", COMMIT)
                .build();
    }

    static MockResponse error(int status, String code, String message) {
        var response = new MockResponse.Builder().code(status).setHeader("Content-Type", "application/json");
        if (code != null) {
            response.setHeader("X-Error-Code", code);
        }
        return response.setHeader("X-Error-Message", message)
                .body("{\"error\":\"" + message.replace("\"", "\\\"") + "\"}")
                .build();
    }

    // The storage

    /** The true file for a storage path, with {@link #servedInstead} applied. */
    private byte[] stored(String sha) {
        for (Map<String, byte[]> files : repos.values()) {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                if (sha256(file.getValue()).equals(sha)) {
                    return servedInstead.getOrDefault(file.getKey(), file.getValue());
                }
            }
        }
        return null;
    }

    /** What storage answers normally: the whole file, or with {@code Range: bytes=N-} 206 or 416. */
    MockResponse serveCdn(RecordedRequest request) {
        List<String> segments = request.getUrl().pathSegments();
        byte[] content = stored(segments.getLast());
        if (content == null) {
            return new MockResponse.Builder().code(404).body("NoSuchKey").build();
        }
        String range = request.getHeaders().get("Range");
        if (range == null) {
            return new MockResponse.Builder()
                    .code(200)
                    .setHeader("Accept-Ranges", "bytes")
                    .body(new Buffer().write(content))
                    .build();
        }
        long from = Long.parseLong(range.replaceAll("bytes=(\\d+)-", "$1"));
        if (from >= content.length) {
            return new MockResponse.Builder()
                    .code(416)
                    .setHeader("Content-Range", "bytes */" + content.length)
                    .build();
        }
        return new MockResponse.Builder()
                .code(206)
                .setHeader("Content-Range", "bytes " + from + "-" + (content.length - 1) + "/" + content.length)
                .body(new Buffer().write(content, (int) from, content.length - (int) from))
                .build();
    }

    static String describe(List<RecordedRequest> requests) {
        return requests.stream()
                .map(r -> r.getMethod() + " " + r.getTarget() + " Range="
                        + r.getHeaders().get("Range"))
                .collect(Collectors.joining("\n"));
    }

    @Override
    public void close() {
        hub.close();
        cdn.close();
    }
}
