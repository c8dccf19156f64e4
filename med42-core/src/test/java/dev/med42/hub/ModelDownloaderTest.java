package dev.med42.hub;

import static dev.med42.hub.FakeHub.REPO;
import static dev.med42.hub.FakeHub.requests;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.med42.gguf.GGUFFile;
import dev.med42.gguf.GGUFWriter;
import dev.med42.hub.DownloadException.Reason;
import dev.med42.quant.GGMLType;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ModelDownloader} against {@link FakeHub}: the normal path, resuming, verification and faults. */
class ModelDownloaderTest {
    static final String Q4 = "med42-70b.Q4_K_M.gguf";
    static final byte[] Q4_BYTES = FakeHub.content(200_000, 1);

    @TempDir
    Path dir;

    FakeHub fake;
    HuggingFaceHub hub;
    final List<String> events = new CopyOnWriteArrayList<>();

    /** Records what the downloader reports, except per-chunk progress. */
    final DownloadListener recorder = new DownloadListener() {
        @Override
        public void onProgress(String file, Phase phase, long done, long total) {
            if (done == 0 || done == total) {
                events.add(phase + " " + file + " " + done + "/" + total);
            }
        }

        @Override
        public void onRetry(String what, int attempt, Duration delay, String cause) {
            events.add("retry " + what + " #" + attempt + ": " + cause);
        }

        @Override
        public void onDone(String file, Path path, boolean alreadyPresent) {
            events.add((alreadyPresent ? "present " : "done ") + file);
        }
    };

    @BeforeEach
    void start() throws IOException {
        fake = new FakeHub()
                .add(REPO, ".gitattributes", "*.gguf* filter=lfs\n".getBytes())
                .add(REPO, "README.md", "# Med42\n".getBytes())
                .add(REPO, Q4, Q4_BYTES)
                .add(REPO, "med42-70b.Q2_K.gguf", FakeHub.content(1000, 2));
        hub = fake.client().build();
    }

    @AfterEach
    void stop() {
        hub.close();
        fake.close();
    }

    ModelDownloader downloader() {
        return new ModelDownloader(hub, recorder);
    }

    DownloadRequest request(String quant) {
        return DownloadRequest.of(quant).withDirectory(dir);
    }

    Path q4() {
        return dir.resolve(Q4);
    }

    @Test
    void downloads_the_file_of_a_quantization_and_verifies_it() throws Exception {
        DownloadedModel model = downloader().download(request("q4_k_m"));

        assertThat(model.model()).isEqualTo(q4());
        assertThat(model.files()).containsExactly(q4());
        assertThat(q4()).hasBinaryContent(Q4_BYTES);
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactly(Q4); // no .incomplete, no .lock
        }
        assertThat(events)
                .containsExactly(
                        "DOWNLOADING " + Q4 + " 0/200000", "DOWNLOADING " + Q4 + " 200000/200000", "done " + Q4);
    }

    @Test
    void sends_the_token_to_the_hub_but_not_to_the_storage_it_redirects_to() throws Exception {
        downloader().download(request("Q4_K_M"));

        List<RecordedRequest> hubRequests = requests(fake.hub);
        assertThat(hubRequests).extracting(RecordedRequest::getMethod).containsExactly("GET", "HEAD", "GET");
        assertThat(hubRequests)
                .allSatisfy(r -> assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer " + FakeHub.TOKEN));
        assertThat(hubRequests.get(1).getTarget()).isEqualTo("/" + REPO + "/resolve/main/" + Q4);
        List<RecordedRequest> cdnRequests = requests(fake.cdn);
        assertThat(cdnRequests).hasSize(1);
        assertThat(cdnRequests.getFirst().getHeaders().get("Host")).startsWith("localhost:");
        assertThat(cdnRequests.getFirst().getHeaders().get("Authorization")).isNull();
        assertThat(cdnRequests.getFirst().getTarget()).contains("X-Amz-Signature=secret");
    }

    @Test
    void resumes_with_a_range_request_after_the_connection_is_cut_mid_file() throws Exception {
        fake.nextCdn.add(r -> fake.serveCdn(r)
                .newBuilder()
                .onResponseBody(SocketEffect.ShutdownConnection.INSTANCE)
                .build());

        downloader().download(request("Q4_K_M"));

        assertThat(q4()).hasBinaryContent(Q4_BYTES);
        List<RecordedRequest> cdnRequests = requests(fake.cdn);
        assertThat(cdnRequests).hasSize(2);
        assertThat(cdnRequests.get(0).getHeaders().get("Range")).isNull();
        String range = cdnRequests.get(1).getHeaders().get("Range");
        assertThat(range).matches("bytes=\\d+-");
        long resumedAt = Long.parseLong(range.replaceAll("\\D", ""));
        assertThat(resumedAt).isBetween(1L, Q4_BYTES.length - 1L);
        assertThat(events).anyMatch(e -> e.startsWith("retry " + Q4 + " #1: "));
        // the hub is asked again each time: a storage URL may have expired
        assertThat(requests(fake.hub))
                .extracting(RecordedRequest::getMethod)
                .containsExactly("GET", "HEAD", "GET", "GET");
    }

    @Test
    void resumes_an_incomplete_file_left_by_an_earlier_run_after_hashing_it() throws Exception {
        Files.write(dir.resolve(Q4 + ".incomplete"), Arrays.copyOf(Q4_BYTES, 123_456));

        downloader().download(request("Q4_K_M"));

        assertThat(q4()).hasBinaryContent(Q4_BYTES);
        assertThat(requests(fake.cdn))
                .singleElement()
                .satisfies(r -> assertThat(r.getHeaders().get("Range")).isEqualTo("bytes=123456-"));
        assertThat(events)
                .startsWith("VERIFYING " + Q4 + " 0/123456", "VERIFYING " + Q4 + " 123456/123456")
                .contains("DOWNLOADING " + Q4 + " 200000/200000");
    }

    @Test
    void an_incomplete_file_with_every_byte_is_verified_and_renamed_without_a_request() throws Exception {
        Files.write(dir.resolve(Q4 + ".incomplete"), Q4_BYTES);

        downloader().download(request("Q4_K_M"));

        assertThat(q4()).hasBinaryContent(Q4_BYTES);
        assertThat(requests(fake.cdn)).isEmpty();
    }

    @Test
    void starts_over_when_the_server_ignores_the_range() throws Exception {
        Files.write(dir.resolve(Q4 + ".incomplete"), Arrays.copyOf(Q4_BYTES, 50_000));
        fake.nextCdn.add(r -> fake.serveCdn(r.getMethod().equals("GET") ? withoutRange(r) : r));

        downloader().download(request("Q4_K_M"));

        assertThat(q4()).hasBinaryContent(Q4_BYTES);
        assertThat(requests(fake.cdn))
                .singleElement()
                .satisfies(r -> assertThat(r.getHeaders().get("Range")).isEqualTo("bytes=50000-"));
    }

    @Test
    void starts_over_after_416_range_not_satisfiable() throws Exception {
        Files.write(dir.resolve(Q4 + ".incomplete"), Arrays.copyOf(Q4_BYTES, 50_000));
        fake.nextCdn.add(r -> new MockResponse.Builder()
                .code(416)
                .setHeader("Content-Range", "bytes */" + Q4_BYTES.length)
                .build());

        downloader().download(request("Q4_K_M"));

        assertThat(q4()).hasBinaryContent(Q4_BYTES);
        List<RecordedRequest> cdnRequests = requests(fake.cdn);
        assertThat(cdnRequests).extracting(r -> r.getHeaders().get("Range")).containsExactly("bytes=50000-", null);
    }

    @Test
    void a_wrong_checksum_fails_clearly_and_deletes_the_incomplete_file() throws Exception {
        byte[] corrupt = Q4_BYTES.clone();
        corrupt[100_000] ^= 1;
        fake.servedInstead.put(Q4, corrupt);

        assertThatThrownBy(() -> downloader().download(request("Q4_K_M")))
                .isInstanceOfSatisfying(
                        DownloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CHECKSUM_MISMATCH))
                .hasMessage("the sha256 of the downloaded " + Q4 + " is " + FakeHub.sha256(corrupt)
                        + " but the hub gives " + FakeHub.sha256(Q4_BYTES)
                        + "; the partial file was deleted: run again to download it afresh");
        assertThat(q4()).doesNotExist();
        assertThat(dir.resolve(Q4 + ".incomplete")).doesNotExist();
    }

    @Test
    void a_corrupt_incomplete_file_is_caught_by_the_checksum_after_resuming() throws Exception {
        byte[] prefix = Arrays.copyOf(Q4_BYTES, 80_000);
        prefix[10] ^= 1;
        Files.write(dir.resolve(Q4 + ".incomplete"), prefix);

        assertThatThrownBy(() -> downloader().download(request("Q4_K_M")))
                .isInstanceOfSatisfying(
                        DownloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CHECKSUM_MISMATCH));
        assertThat(dir.resolve(Q4 + ".incomplete")).doesNotExist();

        downloader().download(request("Q4_K_M")); // the next run starts afresh
        assertThat(q4()).hasBinaryContent(Q4_BYTES);
    }

    @Test
    void a_size_in_the_headers_that_disagrees_with_the_listing_fails_before_downloading() throws Exception {
        fake.linkedSize.put(Q4, "199999");

        assertThatThrownBy(() -> downloader().download(request("Q4_K_M")))
                .isInstanceOfSatisfying(
                        DownloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.SIZE_MISMATCH))
                .hasMessageContaining("the hub lists " + Q4 + " with 200000 bytes but its headers say 199999");
        assertThat(requests(fake.cdn)).isEmpty();
    }

    @Test
    void an_etag_that_disagrees_with_the_listing_fails_before_downloading() throws Exception {
        fake.linkedEtag.put(Q4, "\"" + "e".repeat(64) + "\"");

        assertThatThrownBy(() -> downloader().download(request("Q4_K_M")))
                .isInstanceOfSatisfying(
                        DownloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CHECKSUM_MISMATCH))
                .hasMessageContaining("but its headers say " + "e".repeat(64) + " (X-Linked-Etag)");
        assertThat(requests(fake.cdn)).isEmpty();
    }

    @Test
    void storage_that_serves_another_size_fails_with_a_size_mismatch() throws Exception {
        fake.servedInstead.put(Q4, Arrays.copyOf(Q4_BYTES, 150_000));

        assertThatThrownBy(() -> downloader().download(request("Q4_K_M")))
                .isInstanceOfSatisfying(
                        DownloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.SIZE_MISMATCH))
                .hasMessage("the server sends " + Q4 + " with 150000 bytes but the hub lists 200000;"
                        + " the partial file was deleted");
        assertThat(q4()).doesNotExist();
        assertThat(dir.resolve(Q4 + ".incomplete")).doesNotExist();
    }

    @Test
    void storage_that_sends_more_bytes_than_listed_fails_with_a_size_mismatch() throws Exception {
        byte[] longer = Arrays.copyOf(Q4_BYTES, 210_000);
        fake.nextCdn.add(r -> new MockResponse.Builder()
                .code(200)
                .body(new okio.Buffer().write(longer))
                .removeHeader("Content-Length")
                .build());

        assertThatThrownBy(() -> downloader().download(request("Q4_K_M")))
                .isInstanceOfSatisfying(
                        DownloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.SIZE_MISMATCH));
        assertThat(dir.resolve(Q4 + ".incomplete")).doesNotExist();
    }

    @Test
    void a_stalled_transfer_times_out_and_resumes() throws Exception {
        fake.nextCdn.add(r -> fake.serveCdn(r)
                .newBuilder()
                .onResponseBody(SocketEffect.Stall.INSTANCE)
                .build());
        long start = System.nanoTime();

        downloader().download(request("Q4_K_M"));

        assertThat(q4()).hasBinaryContent(Q4_BYTES);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(events).anyMatch(e -> e.startsWith("retry " + Q4 + " #1: no data for 300 ms at byte "));
        assertThat(requests(fake.cdn).get(1).getHeaders().get("Range")).matches("bytes=[1-9]\\d*-");
    }

    @Test
    void gives_up_when_attempts_in_a_row_make_no_progress() throws Exception {
        for (int i = 0; i < 3; i++) { // a server that ignores the Range and always breaks off at byte 500
            fake.nextCdn.add(r -> new MockResponse.Builder()
                    .code(200)
                    .body(new okio.Buffer().write(Q4_BYTES, 0, 1000))
                    .onResponseBody(SocketEffect.ShutdownConnection.INSTANCE)
                    .setHeader("Content-Length", Q4_BYTES.length)
                    .build());
        }

        assertThatThrownBy(() -> downloader().download(request("Q4_K_M")))
                .isInstanceOfSatisfying(
                        DownloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE))
                .hasMessageStartingWith("downloading " + Q4 + " failed 3 times in a row (")
                .hasMessageEndingWith("); run again to resume from byte 500");
        assertThat(q4()).doesNotExist();
    }

    @Test
    void gives_up_on_lasting_server_errors_and_keeps_the_bytes_for_the_next_run() throws Exception {
        fake.nextCdn.add(r -> fake.serveCdn(r)
                .newBuilder()
                .onResponseBody(SocketEffect.ShutdownConnection.INSTANCE)
                .build());
        for (int i = 0; i < 3; i++) {
            fake.nextCdn.add(r -> FakeHub.error(503, null, "Slow Down"));
        }

        assertThatThrownBy(() -> downloader().download(request("Q4_K_M")))
                .isInstanceOfSatisfying(
                        DownloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE))
                .hasMessageMatching("HTTP 503 from http://localhost:\\d+/repos/ab/cd/[0-9a-f]{64}: Slow Down"
                        + " \\(3 attempts\\); try again later");
        Path partial = dir.resolve(Q4 + ".incomplete");
        long kept = Files.size(partial);
        assertThat(kept).isBetween(1L, Q4_BYTES.length - 1L);
        requests(fake.cdn);

        downloader().download(request("Q4_K_M"));

        assertThat(q4()).hasBinaryContent(Q4_BYTES);
        assertThat(requests(fake.cdn))
                .singleElement()
                .satisfies(r -> assertThat(r.getHeaders().get("Range")).isEqualTo("bytes=" + kept + "-"));
    }

    @Test
    void an_error_from_storage_names_the_storage_not_the_token() {
        fake.nextCdn.add(r -> FakeHub.error(403, null, "Request has expired"));

        assertThatThrownBy(() -> downloader().download(request("Q4_K_M")))
                .isInstanceOfSatisfying(
                        DownloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_RESPONSE))
                .hasMessageMatching("unexpected answer HTTP 403 from http://localhost:\\d+/repos/ab/cd/[0-9a-f]{64},"
                        + " where the hub sent " + Q4 + " \\(the server says: Request has expired\\)");
    }

    @Test
    void a_complete_file_is_verified_and_not_downloaded_again() throws Exception {
        downloader().download(request("Q4_K_M"));
        requests(fake.cdn);
        events.clear();

        DownloadedModel again = downloader().download(request("Q4_K_M"));

        assertThat(again.files()).containsExactly(q4());
        assertThat(requests(fake.cdn)).isEmpty();
        assertThat(events)
                .containsExactly(
                        "VERIFYING " + Q4 + " 0/200000", "VERIFYING " + Q4 + " 200000/200000", "present " + Q4);
    }

    @Test
    void a_file_in_place_with_other_content_is_downloaded_again_and_replaced() throws Exception {
        byte[] other = Q4_BYTES.clone();
        other[0] ^= 1;
        Files.write(q4(), other);

        downloader().download(request("Q4_K_M"));

        assertThat(q4()).hasBinaryContent(Q4_BYTES);
    }

    @Test
    void refuses_to_write_a_file_another_download_holds_the_lock_of() throws Exception {
        try (FileChannel channel = FileChannel.open(
                        dir.resolve(Q4 + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                var lock = channel.lock()) {
            assertThatThrownBy(() -> downloader().download(request("Q4_K_M")))
                    .isInstanceOfSatisfying(
                            DownloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.LOCKED))
                    .hasMessage(q4() + " is being written by another download (" + Q4 + ".lock is locked):"
                            + " wait for it to finish");
        }
        assertThat(requests(fake.cdn)).isEmpty();
        downloader().download(request("Q4_K_M")); // once released, it goes
        assertThat(q4()).hasBinaryContent(Q4_BYTES);
    }

    @Test
    void two_downloads_of_the_same_file_at_once_leave_one_intact_file() throws Exception {
        fake.nextCdn.add(r -> fake.serveCdn(r)
                .newBuilder()
                .throttleBody(50_000, 100, java.util.concurrent.TimeUnit.MILLISECONDS)
                .build());
        var failures = new CopyOnWriteArrayList<Throwable>();
        Thread first = Thread.ofPlatform().start(() -> {
            try {
                downloader().download(request("Q4_K_M"));
            } catch (IOException e) {
                failures.add(e);
            }
        });
        Thread.sleep(150); // the first holds the lock while its body trickles in
        try {
            downloader().download(request("Q4_K_M"));
        } catch (DownloadException e) {
            failures.add(e);
        }
        first.join();

        assertThat(failures)
                .singleElement()
                .satisfies(e -> assertThat(((DownloadException) e).reason()).isEqualTo(Reason.LOCKED));
        assertThat(q4()).hasBinaryContent(Q4_BYTES);
    }

    @Test
    void an_unknown_quantization_lists_the_available_ones() {
        assertThatThrownBy(() -> downloader().download(request("Q4_K_X")))
                .isInstanceOfSatisfying(
                        DownloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.QUANTIZATION_NOT_FOUND))
                .hasMessage(REPO + " has no Q4_K_X GGUF file at revision main; available: Q2_K, Q4_K_M");
    }

    @Test
    void refuses_a_listed_path_that_would_leave_the_directory() throws Exception {
        fake.add("evil/repo", "../escape.Q4_K_M.gguf", Q4_BYTES);

        assertThatThrownBy(() -> downloader().download(request("Q4_K_M").withRepo("evil/repo")))
                .isInstanceOfSatisfying(
                        DownloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_RESPONSE))
                .hasMessageContaining("refusing the file path ../escape.Q4_K_M.gguf");
        assertThat(dir.resolveSibling("escape.Q4_K_M.gguf")).doesNotExist();
    }

    @Test
    void files_in_a_subfolder_keep_it() throws Exception {
        fake.add("org/folders", "Q4_K_M/model.Q4_K_M.gguf", Q4_BYTES);

        DownloadedModel model = downloader().download(request("Q4_K_M").withRepo("org/folders"));

        assertThat(model.model()).isEqualTo(dir.resolve("Q4_K_M/model.Q4_K_M.gguf"));
        assertThat(model.model()).hasBinaryContent(Q4_BYTES);
    }

    // Split models

    /** A small valid GGUF file, cut into raw parts of at most {@code partSize} bytes. */
    static List<byte[]> rawParts(Path scratch, int partSize) throws IOException {
        Path file = scratch.resolve("whole.gguf");
        byte[] weights = new byte[64 * 1024 * 4];
        new java.util.Random(3).nextBytes(weights);
        new GGUFWriter()
                .putString("general.architecture", "llama")
                .addTensor("w", GGMLType.F32, new long[] {1024, 64}, weights)
                .write(file);
        byte[] bytes = Files.readAllBytes(file);
        Files.delete(file);
        var parts = new ArrayList<byte[]>();
        for (int at = 0; at < bytes.length; at += partSize) {
            parts.add(Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + partSize)));
        }
        return parts;
    }

    @Test
    void downloads_both_raw_parts_in_order_and_the_loader_opens_them_as_one() throws Exception {
        List<byte[]> parts = rawParts(dir, 150_000);
        fake.add(REPO, "med42-70b.Q6_K.gguf-split-b", parts.get(1))
                .add(REPO, "med42-70b.Q6_K.gguf-split-a", parts.get(0));

        DownloadedModel model = downloader().download(request("Q6_K"));

        Path a = dir.resolve("med42-70b.Q6_K.gguf-split-a");
        Path b = dir.resolve("med42-70b.Q6_K.gguf-split-b");
        assertThat(model.files()).containsExactly(a, b);
        assertThat(model.model()).isEqualTo(dir.resolve("med42-70b.Q6_K.gguf")).doesNotExist();
        assertThat(a).hasBinaryContent(parts.get(0));
        assertThat(b).hasBinaryContent(parts.get(1));
        try (GGUFFile file = GGUFFile.open(model.model())) {
            assertThat(file.parts()).containsExactly(a, b);
            assertThat(file.tensor("w")).isPresent();
        }
        assertThat(requests(fake.hub))
                .filteredOn(r -> r.getMethod().equals("GET") && r.getTarget().contains("/resolve/"))
                .extracting(RecordedRequest::getTarget)
                .containsExactly(
                        "/" + REPO + "/resolve/main/med42-70b.Q6_K.gguf-split-a",
                        "/" + REPO + "/resolve/main/med42-70b.Q6_K.gguf-split-b");
    }

    @Test
    void joins_raw_parts_into_one_gguf_file_and_deletes_the_parts() throws Exception {
        List<byte[]> parts = rawParts(dir, 150_000);
        fake.add(REPO, "med42-70b.Q6_K.gguf-split-a", parts.get(0))
                .add(REPO, "med42-70b.Q6_K.gguf-split-b", parts.get(1));

        DownloadedModel model = downloader().download(request("Q6_K").withJoin(true));

        Path joined = dir.resolve("med42-70b.Q6_K.gguf");
        assertThat(model.model()).isEqualTo(joined);
        assertThat(model.files()).containsExactly(joined);
        byte[] whole = new byte[parts.get(0).length + parts.get(1).length];
        System.arraycopy(parts.get(0), 0, whole, 0, parts.get(0).length);
        System.arraycopy(parts.get(1), 0, whole, parts.get(0).length, parts.get(1).length);
        assertThat(joined).hasBinaryContent(whole);
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("med42-70b.Q6_K.gguf");
        }
        try (GGUFFile file = GGUFFile.open(joined)) {
            assertThat(file.parts()).containsExactly(joined);
        }
        assertThat(events).contains("JOINING med42-70b.Q6_K.gguf 0/" + whole.length, "done med42-70b.Q6_K.gguf");

        // A later run recognizes the joined file by the parts' sha256 and downloads nothing.
        requests(fake.cdn);
        events.clear();
        for (boolean join : new boolean[] {true, false}) {
            DownloadedModel again = downloader().download(request("q6_k").withJoin(join));
            assertThat(again.files()).containsExactly(joined);
        }
        assertThat(requests(fake.cdn)).isEmpty();
        assertThat(events).contains("present med42-70b.Q6_K.gguf");
    }

    @Test
    void a_file_in_the_way_of_the_parts_is_reported_unless_joining_replaces_it() throws Exception {
        List<byte[]> parts = rawParts(dir, 150_000);
        fake.add(REPO, "med42-70b.Q6_K.gguf-split-a", parts.get(0))
                .add(REPO, "med42-70b.Q6_K.gguf-split-b", parts.get(1));
        Path stale = dir.resolve("med42-70b.Q6_K.gguf");
        Files.write(stale, new byte[10]);

        assertThatThrownBy(() -> downloader().download(request("Q6_K")))
                .isInstanceOfSatisfying(
                        DownloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CHECKSUM_MISMATCH))
                .hasMessageContaining(
                        stale + " is not the join of [med42-70b.Q6_K.gguf-split-a, med42-70b.Q6_K.gguf-split-b]");

        downloader().download(request("Q6_K").withJoin(true));
        try (GGUFFile file = GGUFFile.open(stale)) {
            assertThat(file.tensor("w")).isPresent();
        }
    }

    @Test
    void a_join_that_is_not_a_gguf_file_fails_and_keeps_the_parts() throws Exception {
        fake.add(REPO, "broken.Q5_0.gguf-split-a", FakeHub.content(5000, 5))
                .add(REPO, "broken.Q5_0.gguf-split-b", FakeHub.content(5000, 6));

        assertThatThrownBy(() -> downloader().download(request("Q5_0").withJoin(true)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("did not make a valid GGUF file");
        assertThat(dir.resolve("broken.Q5_0.gguf")).doesNotExist();
        assertThat(dir.resolve("broken.Q5_0.gguf.incomplete")).doesNotExist();
        assertThat(dir.resolve("broken.Q5_0.gguf-split-a")).exists();
        assertThat(dir.resolve("broken.Q5_0.gguf-split-b")).exists();
    }

    @Test
    void downloads_every_gguf_split_shard_in_order() throws Exception {
        fake.add("org/sharded", "m-Q8_0-00002-of-00002.gguf", FakeHub.content(3000, 7))
                .add("org/sharded", "m-Q8_0-00001-of-00002.gguf", FakeHub.content(3000, 8));

        DownloadedModel model = downloader().download(request("Q8_0").withRepo("org/sharded"));

        assertThat(model.files())
                .containsExactly(dir.resolve("m-Q8_0-00001-of-00002.gguf"), dir.resolve("m-Q8_0-00002-of-00002.gguf"));
        assertThat(model.model()).isEqualTo(dir.resolve("m-Q8_0-00001-of-00002.gguf"));
        assertThatThrownBy(() -> downloader()
                        .download(request("Q8_0").withRepo("org/sharded").withJoin(true)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gguf-split shard");
    }

    private static RecordedRequest withoutRange(RecordedRequest r) {
        return new RecordedRequest(
                r.getConnectionIndex(),
                r.getExchangeIndex(),
                r.getHandshake(),
                r.getHandshakeServerNames(),
                r.getMethod(),
                r.getTarget(),
                r.getVersion(),
                r.getUrl(),
                r.getHeaders().newBuilder().removeAll("Range").build(),
                r.getBody(),
                r.getBodySize(),
                r.getChunkSizes(),
                r.getFailure());
    }
}
