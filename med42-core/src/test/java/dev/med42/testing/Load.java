package dev.med42.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * A load driver for servers on loopback, for the load and soak tests of the server and the samples: a fixed number of
 * requests from a fixed number of client threads, each request with its own timeout and the whole run with a
 * deadline, so that a hang fails the test instead of stalling the build. JDK only: its HTTP client, and a raw socket
 * for a client that goes away mid-stream.
 */
public final class Load {
    private Load() {}

    /**
     * How one request ended: its kind (as the test named it), the HTTP status (0 when there was none: the client
     * disconnected on purpose, or it failed), the body, the time it took, and what went wrong on the client's side.
     */
    public record Outcome(String kind, int status, String body, long nanos, String problem) {
        public static Outcome failed(String kind, long nanos, String problem) {
            return new Outcome(kind, 0, "", nanos, problem);
        }
    }

    /**
     * Runs {@code requests} requests, request {@code i} made by {@code request.apply(i)}, on {@code threads} threads,
     * in order of {@code i}. A client whose request was refused with 429 waits {@code refusalPause} before its next
     * one, as a client honouring {@code Retry-After} would (a shorter wait keeps the test short). A request still
     * running at the deadline ends as a failed outcome "no answer within the deadline" (and is interrupted).
     */
    public static List<Outcome> run(
            int threads, int requests, Duration deadline, Duration refusalPause, IntFunction<Outcome> request)
            throws InterruptedException {
        ExecutorService clients = Executors.newFixedThreadPool(threads);
        try {
            var futures = new ArrayList<Future<Outcome>>(requests);
            for (int i = 0; i < requests; i++) {
                int index = i;
                futures.add(clients.submit(() -> {
                    Outcome outcome = request.apply(index);
                    if (outcome.status() == 429) {
                        Thread.sleep(refusalPause);
                    }
                    return outcome;
                }));
            }
            long end = System.nanoTime() + deadline.toNanos();
            var outcomes = new ArrayList<Outcome>(requests);
            for (Future<Outcome> future : futures) {
                try {
                    outcomes.add(future.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (TimeoutException e) {
                    future.cancel(true);
                    outcomes.add(Outcome.failed("?", deadline.toNanos(), "no answer within the deadline"));
                } catch (ExecutionException e) {
                    outcomes.add(Outcome.failed("?", 0, "the client failed: " + e.getCause()));
                }
            }
            return outcomes;
        } finally {
            clients.shutdownNow();
            clients.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    /** POSTs {@code body} and reads the whole answer (a JSON body or an event stream) within {@code timeout}. */
    public static Outcome post(HttpClient client, URI uri, String kind, byte[] body, Duration timeout) {
        return send(
                client,
                kind,
                HttpRequest.newBuilder(uri)
                        .timeout(timeout)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build());
    }

    /** Sends {@code request} and reads the whole answer. */
    public static Outcome send(HttpClient client, String kind, HttpRequest request) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Outcome(kind, response.statusCode(), response.body(), System.nanoTime() - start, null);
        } catch (IOException e) {
            return Outcome.failed(kind, System.nanoTime() - start, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.failed(kind, System.nanoTime() - start, "interrupted");
        }
    }

    /**
     * POSTs {@code body} over HTTP/1.1 on a socket of its own, reads until {@code marker} has arrived (the first event
     * of a stream), and closes the connection: a client that goes away mid-answer. ({@code Connection: close}, so that
     * an answer without the marker, a refusal, ends the read instead of leaving the connection open for the next.) The status is the response's;
     * {@code problem} is set when the marker never came.
     */
    public static Outcome postThenDisconnect(URI uri, String kind, byte[] body, String marker, Duration timeout) {
        long start = System.nanoTime();
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                            + "\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\nConnection: close"
                            + "\r\nContent-Length: "
                            + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            var received = new StringBuilder();
            byte[] buffer = new byte[8192];
            try {
                for (int n; !received.toString().contains(marker) && (n = in.read(buffer)) > 0; ) {
                    received.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                return Outcome.failed(kind, System.nanoTime() - start, e + " after receiving: " + received);
            }
            String text = received.toString();
            int status =
                    text.startsWith("HTTP/1.1 ") && text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : 0;
            return new Outcome(
                    kind,
                    status,
                    text,
                    System.nanoTime() - start,
                    text.contains(marker) ? null : "the connection ended before " + marker);
        } catch (IOException e) {
            return Outcome.failed(kind, System.nanoTime() - start, e.toString());
        }
    }

    /** What {@code check} finds wrong with each outcome (null: nothing), as {@code "kind status: problem"}. */
    public static List<String> problems(List<Outcome> outcomes, Function<Outcome, String> check) {
        var problems = new ArrayList<String>();
        for (Outcome o : outcomes) {
            String problem = check.apply(o);
            if (problem != null) {
                problems.add(o.kind() + " " + o.status() + ": " + problem);
            }
        }
        return problems;
    }

    /** How many outcomes of each kind (up to its {@code :}) ended with each status: {@code "chat 429" -> 32}. */
    public static Map<String, Long> countByKindAndStatus(List<Outcome> outcomes) {
        return outcomes.stream()
                .collect(Collectors.groupingBy(
                        o -> o.kind().replaceFirst(":.*", "") + " " + o.status(), TreeMap::new, Collectors.counting()));
    }

    /** The times of the answered requests: status 200, of a kind that names its input ({@code "chat:3"}). */
    public static List<Long> answeredNanos(List<Outcome> outcomes) {
        return outcomes.stream()
                .filter(o -> o.status() == 200 && o.kind().contains(":"))
                .map(Outcome::nanos)
                .toList();
    }

    /** The {@code p}-th percentile (0 to 100) of {@code nanos}, nearest rank, in milliseconds. */
    public static double percentileMillis(List<Long> nanos, double p) {
        if (nanos.isEmpty()) {
            return Double.NaN;
        }
        List<Long> sorted = nanos.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100 * sorted.size());
        return sorted.get(Math.clamp(rank - 1, 0, sorted.size() - 1)) / 1e6;
    }

    /**
     * The heap in use after garbage collection, in bytes: the least of several collections, since a collection may
     * run while another thread allocates.
     */
    public static long usedHeapAfterGc() throws InterruptedException {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            least = Math.min(
                    least,
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}
