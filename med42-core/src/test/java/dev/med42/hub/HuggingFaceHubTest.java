package dev.med42.hub;

import static dev.med42.hub.FakeHub.REPO;
import static dev.med42.hub.FakeHub.requests;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.med42.hub.DownloadException.Reason;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link HuggingFaceHub} against {@link FakeHub}: listing, file metadata, errors and retries. */
class HuggingFaceHubTest {
    static final String Q4 = "med42-70b.Q4_K_M.gguf";
    static final byte[] Q4_BYTES = FakeHub.content(5000, 1);

    FakeHub fake;

    @BeforeEach
    void start() throws IOException {
        fake = new FakeHub()
                .add(REPO, ".gitattributes", "*.gguf* filter=lfs\n".getBytes())
                .add(REPO, Q4, Q4_BYTES)
                .add(REPO, "med42-70b.Q6_K.gguf-split-a", FakeHub.content(300, 2))
                .add(REPO, "med42-70b.Q6_K.gguf-split-b", FakeHub.content(200, 3))
                .add(REPO, "extra/notes.txt", "n".getBytes());
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    void lists_every_file_with_its_size_and_lfs_sha256() throws Exception {
        try (HuggingFaceHub hub = fake.client().build()) {
            List<RepoFile> files = hub.listFiles(REPO, "main");

            assertThat(files)
                    .containsExactly(
                            new RepoFile(".gitattributes", 19, null),
                            new RepoFile("extra/notes.txt", 1, null),
                            new RepoFile(Q4, 5000, FakeHub.sha256(Q4_BYTES)),
                            new RepoFile("med42-70b.Q6_K.gguf-split-a", 300, FakeHub.sha256(FakeHub.content(300, 2))),
                            new RepoFile("med42-70b.Q6_K.gguf-split-b", 200, FakeHub.sha256(FakeHub.content(200, 3))));
            RecordedRequest request = requests(fake.hub).getFirst();
            assertThat(request.getTarget()).isEqualTo("/api/models/" + REPO + "/tree/main?recursive=true");
            assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + FakeHub.TOKEN);
        }
    }

    @Test
    void follows_the_pages_of_a_listing() throws Exception {
        fake.pageSize = 2;
        try (HuggingFaceHub hub = fake.client().build()) {
            List<RepoFile> files = hub.listFiles(REPO, "main");

            assertThat(files).extracting(RepoFile::path).hasSize(5).doesNotHaveDuplicates();
            List<RecordedRequest> pages = requests(fake.hub);
            assertThat(pages)
                    .extracting(RecordedRequest::getTarget)
                    .containsExactly(
                            "/api/models/" + REPO + "/tree/main?recursive=true",
                            "/api/models/" + REPO + "/tree/main?recursive=true&cursor=2",
                            "/api/models/" + REPO + "/tree/main?recursive=true&cursor=4");
            assertThat(pages)
                    .allSatisfy(
                            r -> assertThat(r.getHeaders().get("Authorization")).isNotNull());
        }
    }

    @Test
    void a_listing_redirected_to_another_host_is_followed_without_the_token() throws Exception {
        fake.nextHub.add(r -> new MockResponse.Builder()
                .code(302)
                .setHeader("Location", "http://localhost:" + fake.hub.getPort() + r.getTarget())
                .build());
        try (HuggingFaceHub hub = fake.client().build()) {
            assertThat(hub.listFiles(REPO, "main")).hasSize(5);
        }
        assertThat(requests(fake.hub))
                .extracting(r -> r.getHeaders().get("Authorization"))
                .containsExactly("Bearer " + FakeHub.TOKEN, null);
    }

    @Test
    void a_listing_that_pages_in_a_loop_is_an_error() {
        fake.nextHub.add(r -> new MockResponse.Builder()
                .body("[]")
                .setHeader("Link", "<" + r.getUrl() + ">; rel=\"next\"")
                .build());
        try (HuggingFaceHub hub = fake.client().build()) {
            assertThatThrownBy(() -> hub.listFiles(REPO, "main"))
                    .isInstanceOfSatisfying(
                            DownloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_RESPONSE))
                    .hasMessageContaining("pages in a loop");
        }
    }

    @Test
    void a_malformed_listing_is_reported_as_such() {
        for (String body : List.of(
                "{\"files\": []}",
                "[{\"type\":\"file\",\"path\":\"a.gguf\"}]",
                "[{\"type\":\"file\",\"path\":\"a.gguf\",\"size\":-1}]",
                "[{\"type\":\"file\",\"path\":\"a.gguf\",\"size\":1,\"lfs\":{\"oid\":\"xyz\",\"size\":1}}]",
                "[{\"type\":\"file\",\"path\":\"a.gguf\",\"size\":1,\"lfs\":{\"oid\":\"" + "a".repeat(64)
                        + "\",\"size\":2}}]",
                "[{\"path\":\"a.gguf\",\"size\":1}]",
                "[1,]")) {
            fake.nextHub.add(r -> new MockResponse.Builder().body(body).build());
            try (HuggingFaceHub hub = fake.client().build()) {
                assertThatThrownBy(() -> hub.listFiles(REPO, "main"), body)
                        .isInstanceOfSatisfying(
                                DownloadException.class,
                                e -> assertThat(e.reason()).isEqualTo(Reason.BAD_RESPONSE))
                        .hasMessageStartingWith("the ");
            }
        }
    }

    @Test
    void encodes_a_revision_with_slashes_as_one_segment() throws Exception {
        fake.nextHub.add(r -> new MockResponse.Builder().body("[]").build());
        try (HuggingFaceHub hub = fake.client().build()) {
            hub.listFiles(REPO, "refs/pr/1");
            assertThat(requests(fake.hub).getFirst().getTarget())
                    .isEqualTo("/api/models/" + REPO + "/tree/refs%2Fpr%2F1?recursive=true");
            assertThat(hub.resolveUri(REPO, "refs/pr/1", "dir/a b.gguf"))
                    .isEqualTo(URI.create(fake.endpoint() + "/" + REPO + "/resolve/refs%2Fpr%2F1/dir/a%20b.gguf"));
        }
    }

    @Test
    void an_endpoint_with_a_path_prefix_is_kept() throws Exception {
        fake.nextHub.add(r -> new MockResponse.Builder().body("[]").build());
        try (HuggingFaceHub hub =
                fake.client().endpoint(URI.create(fake.endpoint() + "/mirror/")).build()) {
            hub.listFiles(REPO, "main");
            assertThat(requests(fake.hub).getFirst().getTarget())
                    .isEqualTo("/mirror/api/models/" + REPO + "/tree/main?recursive=true");
        }
    }

    @Test
    void refuses_a_malformed_repository_id() {
        try (HuggingFaceHub hub = fake.client().build()) {
            for (String repo : List.of("", "a/b/c", "../x", "a/..", "a b/c", "/a", "a/")) {
                assertThatThrownBy(() -> hub.listFiles(repo, "main"), repo)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("not a repository id");
            }
        }
    }

    @Test
    void reads_the_linked_size_etag_and_commit_of_a_file_without_following_to_storage() throws Exception {
        try (HuggingFaceHub hub = fake.client().build()) {
            FileMetadata metadata = hub.fileMetadata(REPO, "main", Q4);

            assertThat(metadata)
                    .isEqualTo(new FileMetadata(
                            OptionalLong.of(5000), Optional.of(FakeHub.sha256(Q4_BYTES)), Optional.of(FakeHub.COMMIT)));
            assertThat(requests(fake.hub))
                    .singleElement()
                    .satisfies(r -> assertThat(r.getMethod()).isEqualTo("HEAD"));
            assertThat(requests(fake.cdn)).isEmpty();
        }
    }

    @Test
    void a_file_kept_in_git_has_its_content_length_and_no_sha256() throws Exception {
        try (HuggingFaceHub hub = fake.client().build()) {
            assertThat(hub.fileMetadata(REPO, "main", ".gitattributes"))
                    .isEqualTo(new FileMetadata(OptionalLong.of(19), Optional.empty(), Optional.of(FakeHub.COMMIT)));
        }
    }

    @Test
    void follows_a_relative_redirect_of_a_renamed_repository_with_the_token() throws Exception {
        fake.renamed.put("OldName/med42", REPO);
        try (HuggingFaceHub hub = fake.client().build()) {
            assertThat(hub.listFiles("OldName/med42", "main")).hasSize(5);
            assertThat(hub.fileMetadata("OldName/med42", "main", Q4).size()).hasValue(5000);

            List<RecordedRequest> requests = requests(fake.hub);
            assertThat(requests)
                    .extracting(RecordedRequest::getTarget)
                    .containsExactly(
                            "/api/models/OldName/med42/tree/main?recursive=true",
                            "/api/models/" + REPO + "/tree/main?recursive=true",
                            "/OldName/med42/resolve/main/" + Q4,
                            "/" + REPO + "/resolve/main/" + Q4);
            assertThat(requests)
                    .allSatisfy(
                            r -> assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer " + FakeHub.TOKEN));
        }
    }

    @Test
    void a_gated_repository_without_a_token_says_to_accept_its_terms_and_set_hf_token() {
        fake.gated.add(REPO);
        try (HuggingFaceHub hub = fake.client().token(null).build()) {
            assertThatThrownBy(() -> hub.listFiles(REPO, "main"))
                    .isInstanceOfSatisfying(
                            DownloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.GATED))
                    .hasMessage("the repository " + REPO + " is gated: accept its terms on " + fake.endpoint() + "/"
                            + REPO
                            + " and set HF_TOKEN to a token of that account (the hub says: Access to model " + REPO
                            + " is restricted. You must have access to it and be authenticated to access it."
                            + " Please log in.)");
        }
    }

    @Test
    void a_gated_repository_with_a_token_without_access_says_so() throws Exception {
        fake.gated.add(REPO);
        try (HuggingFaceHub hub = fake.client().token("hf_other").build()) {
            assertThatThrownBy(() -> hub.fileMetadata(REPO, "main", Q4))
                    .isInstanceOfSatisfying(
                            DownloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.GATED))
                    .hasMessageStartingWith(
                            "the repository " + REPO + " is gated and the token given has no access to it");
        }
        try (HuggingFaceHub hub = fake.client().build()) {
            assertThat(hub.listFiles(REPO, "main")).isNotEmpty();
        }
    }

    @Test
    void not_found_errors_are_plain_messages() {
        try (HuggingFaceHub hub = fake.client().build();
                HuggingFaceHub anonymous = fake.client().token(null).build()) {
            assertThatThrownBy(() -> hub.listFiles("nobody/nothing", "main"))
                    .isInstanceOfSatisfying(
                            DownloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.REPOSITORY_NOT_FOUND))
                    .hasMessage("repository nobody/nothing not found on " + fake.endpoint()
                            + " (the hub says: Repository not found)");
            assertThatThrownBy(() -> anonymous.listFiles("nobody/nothing", "main"))
                    .hasMessage("repository nobody/nothing not found on " + fake.endpoint()
                            + " (if it is private, set HF_TOKEN) (the hub says: Repository not found)");
            assertThatThrownBy(() -> hub.listFiles(REPO, "v9"))
                    .isInstanceOfSatisfying(
                            DownloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.REVISION_NOT_FOUND))
                    .hasMessage("revision v9 not found in " + REPO + " (the hub says: Invalid rev id: v9)");
            assertThatThrownBy(() -> hub.fileMetadata(REPO, "main", "missing.gguf"))
                    .isInstanceOfSatisfying(
                            DownloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.FILE_NOT_FOUND))
                    .hasMessage("file missing.gguf not found in " + REPO + " at revision main"
                            + " (the hub says: missing.gguf does not exist on \"main\")");
        }
    }

    @Test
    void an_error_without_a_code_still_shows_the_hubs_message() {
        fake.nextHub.add(r -> FakeHub.error(401, null, "Invalid credentials in Authorization header"));
        fake.nextHub.add(r -> new MockResponse.Builder()
                .code(418)
                .setHeader("Content-Type", "application/json")
                .body("{\"error\": \"I'm a teapot\"}")
                .build());
        try (HuggingFaceHub hub = fake.client().build()) {
            assertThatThrownBy(() -> hub.listFiles(REPO, "main"))
                    .isInstanceOfSatisfying(
                            DownloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNAUTHORIZED))
                    .hasMessage("the hub refused the token (HTTP 401): check HF_TOKEN"
                            + " (the hub says: Invalid credentials in Authorization header)");
            assertThatThrownBy(() -> hub.listFiles(REPO, "main"))
                    .isInstanceOfSatisfying(
                            DownloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_RESPONSE))
                    .hasMessage("unexpected answer HTTP 418 from " + fake.endpoint() + "/api/models/" + REPO
                            + "/tree/main (the hub says: I'm a teapot)");
        }
    }

    @Test
    void retries_503_and_429_honouring_retry_after() throws Exception {
        fake.nextHub.add(r -> new MockResponse.Builder()
                .code(503)
                .setHeader("Retry-After", "1")
                .build());
        fake.nextHub.add(r -> new MockResponse.Builder()
                .code(429)
                .setHeader("Retry-After", "0")
                .build());
        var retries = new java.util.ArrayList<String>();
        DownloadListener listener = new DownloadListener() {
            @Override
            public void onRetry(String what, int attempt, Duration delay, String cause) {
                retries.add(attempt + " " + delay + " " + cause);
            }
        };
        try (HuggingFaceHub hub = fake.client().build()) {
            long start = System.nanoTime();
            assertThat(hub.listFiles(REPO, "main", listener)).hasSize(5);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        }
        String listing = fake.endpoint() + "/api/models/" + REPO + "/tree/main";
        assertThat(retries).containsExactly("1 PT1S HTTP 503 from " + listing, "2 PT0S HTTP 429 from " + listing);
        assertThat(requests(fake.hub)).hasSize(3);
    }

    @Test
    void gives_up_after_the_attempts_with_the_last_failure() {
        for (int i = 0; i < 3; i++) {
            fake.nextHub.add(r -> FakeHub.error(502, null, "Bad Gateway"));
        }
        try (HuggingFaceHub hub = fake.client().build()) {
            assertThatThrownBy(() -> hub.listFiles(REPO, "main"))
                    .isInstanceOfSatisfying(
                            DownloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE))
                    .hasMessage("HTTP 502 from " + fake.endpoint() + "/api/models/" + REPO
                            + "/tree/main: Bad Gateway (3 attempts); try again later");
        }
    }

    @Test
    void a_retry_after_beyond_five_minutes_fails_at_once() {
        fake.nextHub.add(r -> new MockResponse.Builder()
                .code(429)
                .setHeader("Retry-After", "3600")
                .build());
        try (HuggingFaceHub hub = fake.client().build()) {
            assertThatThrownBy(() -> hub.listFiles(REPO, "main"))
                    .isInstanceOfSatisfying(
                            DownloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE))
                    .hasMessageEndingWith("the server asks to wait 3600 s before trying again: try again later");
        }
    }

    @Test
    void retries_a_connection_cut_before_the_answer() throws Exception {
        fake.nextHub.add(r -> new MockResponse.Builder()
                .onResponseStart(new SocketEffect.CloseSocket())
                .build());
        try (HuggingFaceHub hub = fake.client().build()) {
            assertThat(hub.listFiles(REPO, "main")).hasSize(5);
        }
        assertThat(requests(fake.hub)).hasSize(2);
    }

    @Test
    void a_server_that_does_not_answer_in_time_is_retried_then_reported() {
        for (int i = 0; i < 3; i++) {
            fake.nextHub.add(r -> new MockResponse.Builder()
                    .body("[]")
                    .headersDelay(2, java.util.concurrent.TimeUnit.SECONDS)
                    .build());
        }
        try (HuggingFaceHub hub =
                fake.client().responseTimeout(Duration.ofMillis(200)).build()) {
            assertThatThrownBy(() -> hub.listFiles(REPO, "main"))
                    .isInstanceOfSatisfying(
                            DownloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE))
                    .hasMessageContaining("no answer in time")
                    .hasMessageEndingWith("(3 attempts); try again later");
        }
    }

    @Test
    void an_unreachable_hub_is_reported_after_the_attempts() throws IOException {
        int port;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }
        try (HuggingFaceHub hub =
                fake.client().endpoint(URI.create("http://127.0.0.1:" + port)).build()) {
            assertThatThrownBy(() -> hub.listFiles(REPO, "main"))
                    .isInstanceOfSatisfying(
                            DownloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE))
                    .hasMessageStartingWith("http://127.0.0.1:" + port + "/api/models/" + REPO + "/tree/main: ")
                    .hasMessageEndingWith("(3 attempts); try again later");
        }
    }

    @Test
    void stops_after_ten_redirects() {
        fake.nextHub.add(r -> new MockResponse.Builder()
                .code(302)
                .setHeader("Location", r.getUrl().toString())
                .build());
        for (int i = 0; i < 20; i++) {
            fake.nextHub.add(r -> new MockResponse.Builder()
                    .code(302)
                    .setHeader("Location", r.getTarget())
                    .build());
        }
        try (HuggingFaceHub hub = fake.client().build()) {
            assertThatThrownBy(() -> hub.listFiles(REPO, "main"))
                    .isInstanceOfSatisfying(
                            DownloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_RESPONSE))
                    .hasMessage(
                            "more than 10 redirects from " + fake.endpoint() + "/api/models/" + REPO + "/tree/main");
        }
    }

    @Test
    void reads_hf_endpoint_and_hf_token_from_the_environment() throws Exception {
        Map<String, String> env = Map.of("HF_ENDPOINT", fake.endpoint() + "/", "HF_TOKEN", " hf_env ");
        try (HuggingFaceHub hub = HuggingFaceHub.builder().environment(env::get).build()) {
            assertThat(hub.endpoint()).isEqualTo(URI.create(fake.endpoint() + "/"));
            assertThat(hub.hasToken()).isTrue();
            hub.listFiles(REPO, "main");
            assertThat(requests(fake.hub).getFirst().getHeaders().get("Authorization"))
                    .isEqualTo("Bearer hf_env");
        }
        Map<String, String> legacy = Map.of("HUGGING_FACE_HUB_TOKEN", "hf_old", "HF_TOKEN", " ");
        try (HuggingFaceHub hub =
                HuggingFaceHub.builder().environment(legacy::get).build()) {
            assertThat(hub.endpoint()).isEqualTo(HuggingFaceHub.DEFAULT_ENDPOINT);
            assertThat(hub.hasToken()).isTrue();
        }
        assertThatThrownBy(() -> HuggingFaceHub.builder().environment(Map.of("HF_ENDPOINT", "ftp://x")::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("HF_ENDPOINT: not an http(s) URL with a host: ftp://x");
    }

    @Test
    void parses_retry_after_in_seconds_and_as_a_date() {
        assertThat(HubHttp.retryAfter(headers("Retry-After", "7"))).hasValue(Duration.ofSeconds(7));
        assertThat(HubHttp.retryAfter(headers("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")))
                .hasValue(Duration.ZERO);
        String inAMinute = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(60));
        assertThat(HubHttp.retryAfter(headers("Retry-After", inAMinute)).orElseThrow())
                .isBetween(Duration.ofSeconds(55), Duration.ofSeconds(60));
        assertThat(HubHttp.retryAfter(headers("Retry-After", "soon"))).isEmpty();
        assertThat(HubHttp.retryAfter(headers())).isEmpty();
    }

    @Test
    void retry_delays_double_up_to_the_maximum() {
        var policy = new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(5));
        assertThat(List.of(1, 2, 3, 4, 5))
                .extracting(n -> policy.delay(n, Optional.empty()))
                .containsExactly(
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(4),
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(5));
        assertThat(policy.delay(1, Optional.of(Duration.ofSeconds(9)))).isEqualTo(Duration.ofSeconds(9));
    }

    @Test
    void finds_the_next_page_in_link_headers() {
        URI page = URI.create("https://huggingface.co/api/models/a/b/tree/main?recursive=true");
        assertThat(LinkHeader.next(
                        headers("Link", "<https://huggingface.co/api/models/a/b/tree/main?cursor=x,y>; rel=\"next\""),
                        page))
                .hasValue(URI.create("https://huggingface.co/api/models/a/b/tree/main?cursor=x,y"));
        assertThat(LinkHeader.next(headers("Link", "</p?c=1>; rel=\"prev\", </p?c=3>; title=\"x\"; rel=next"), page))
                .hasValue(URI.create("https://huggingface.co/p?c=3"));
        assertThat(LinkHeader.next(headers("Link", "<?cursor=2>; rel=\"last next\""), page))
                .hasValue(URI.create("https://huggingface.co/api/models/a/b/tree/main?cursor=2"));
        assertThat(LinkHeader.next(headers("Link", "<https://x/1>; rel=\"prev\""), page))
                .isEmpty();
        assertThat(LinkHeader.next(headers(), page)).isEmpty();
    }

    private static java.net.http.HttpHeaders headers(String... nameValues) {
        var map = new java.util.HashMap<String, List<String>>();
        for (int i = 0; i < nameValues.length; i += 2) {
            map.put(nameValues[i], List.of(nameValues[i + 1]));
        }
        return java.net.http.HttpHeaders.of(map, (a, b) -> true);
    }
}
