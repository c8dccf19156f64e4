package dev.med42.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * HTTP/1.1 exchanges with the Hub: the token goes to the hub's own origin only, redirects are followed here
 * (so that a relative {@code Location} resolves and the token stays behind when the host changes), and
 * transient failures (network errors, timeouts, 429, 5xx) are retried after a pause.
 */
final class HubHttp implements AutoCloseable {
    static final int MAX_REDIRECTS = 10;
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    private static final Set<Integer> TRANSIENT = Set.of(429, 500, 502, 503, 504);
    private static final String USER_AGENT =
            "med42-jvm/0.1 (java " + Runtime.version().feature() + ")";

    private final HttpClient client;
    private final URI endpoint;
    private final String token;
    private final Duration responseTimeout;
    private final RetryPolicy retry;

    HubHttp(URI endpoint, String token, Duration connectTimeout, Duration responseTimeout, RetryPolicy retry) {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .build();
        this.endpoint = endpoint;
        this.token = token;
        this.responseTimeout = responseTimeout;
        this.retry = retry;
    }

    /**
     * The final answer to a request and the headers of the last answer that came from the hub itself: for a
     * file stored with Git LFS, the redirect to its storage, which carries {@code X-Linked-Size} and {@code
     * X-Linked-Etag}. {@code fromHub} tells whether the final answer came from the hub too, or from the
     * storage it redirected to. Closing it discards what is left of the body.
     */
    record Reply(HttpResponse<InputStream> response, HttpHeaders hubHeaders, boolean fromHub) implements AutoCloseable {
        int status() {
            return response.statusCode();
        }

        HttpHeaders headers() {
            return response.headers();
        }

        URI uri() {
            return response.uri();
        }

        @Override
        public void close() {
            try {
                response.body().close();
            } catch (IOException ignored) {
                // the connection is dropped instead of reused, nothing more
            }
        }
    }

    static boolean isRedirect(int status) {
        return REDIRECTS.contains(status);
    }

    RetryPolicy retry() {
        return retry;
    }

    boolean hasToken() {
        return token != null;
    }

    /**
     * Sends {@code method} to {@code uri}, retrying transient failures. Redirects within the hub's origin are
     * followed; a redirect elsewhere is followed only when {@code leaveHub} is set, and otherwise returned.
     * Any other answer, error statuses included, is returned for the caller to judge.
     *
     * @throws DownloadException when transient failures outlast the retries, or a redirect is unusable
     */
    Reply send(String method, URI uri, Map<String, String> headers, boolean leaveHub, DownloadListener listener)
            throws IOException {
        for (int attempt = 1; ; attempt++) {
            String failure;
            Optional<Duration> retryAfter = Optional.empty();
            try {
                Reply reply = sendFollowingRedirects(method, uri, headers, leaveHub);
                if (!TRANSIENT.contains(reply.status())) {
                    return reply;
                }
                failure = "HTTP " + reply.status() + " from " + HubErrors.describe(reply.uri())
                        + HubErrors.serverMessage(reply).map(m -> ": " + m).orElse("");
                retryAfter = retryAfter(reply.headers());
                reply.close();
                if (retryAfter.isPresent() && retryAfter.get().compareTo(RetryPolicy.MAX_RETRY_AFTER) > 0) {
                    throw new DownloadException(
                            DownloadException.Reason.UNAVAILABLE,
                            failure + "; the server asks to wait "
                                    + retryAfter.get().toSeconds() + " s before trying again: try again later");
                }
            } catch (DownloadException | InterruptedIOException e) {
                throw e;
            } catch (IOException e) {
                failure = HubErrors.describe(uri) + ": " + HubErrors.networkMessage(e);
            }
            if (attempt >= retry.maxAttempts()) {
                throw new DownloadException(
                        DownloadException.Reason.UNAVAILABLE,
                        failure + " (" + attempt + (attempt == 1 ? " attempt" : " attempts") + "); try again later");
            }
            Duration delay = retry.delay(attempt, retryAfter);
            listener.onRetry(HubErrors.describe(uri), attempt, delay, failure);
            RetryPolicy.sleep(delay);
        }
    }

    private Reply sendFollowingRedirects(String method, URI uri, Map<String, String> headers, boolean leaveHub)
            throws IOException {
        URI current = uri;
        HttpHeaders hubHeaders = null;
        for (int redirects = 0; ; redirects++) {
            HttpResponse<InputStream> response = exchange(method, current, headers);
            boolean fromHub = isHub(current);
            Reply reply = new Reply(response, fromHub ? response.headers() : hubHeaders, fromHub);
            hubHeaders = reply.hubHeaders();
            if (!isRedirect(response.statusCode())) {
                return reply;
            }
            reply.close();
            URI next = redirectTarget(current, response);
            if (!isHub(next) && !leaveHub) {
                return reply;
            }
            if (redirects >= MAX_REDIRECTS) {
                throw new DownloadException(
                        DownloadException.Reason.BAD_RESPONSE,
                        "more than " + MAX_REDIRECTS + " redirects from " + HubErrors.describe(uri));
            }
            current = next;
        }
    }

    private HttpResponse<InputStream> exchange(String method, URI uri, Map<String, String> headers) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(responseTimeout) // until the headers arrive; a stalled body is StallGuard's
                .header("User-Agent", USER_AGENT);
        headers.forEach(request::header);
        if (token != null && isHub(uri)) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + HubErrors.describe(uri));
        }
    }

    private static URI redirectTarget(URI from, HttpResponse<?> response) throws DownloadException {
        String location = response.headers()
                .firstValue("Location")
                .orElseThrow(() -> new DownloadException(
                        DownloadException.Reason.BAD_RESPONSE,
                        "HTTP " + response.statusCode() + " from " + HubErrors.describe(from) + " without a Location"));
        URI next;
        try {
            next = resolve(from, location);
        } catch (IllegalArgumentException e) {
            throw new DownloadException(
                    DownloadException.Reason.BAD_RESPONSE,
                    "unusable redirect from " + HubErrors.describe(from) + ": " + e.getMessage());
        }
        String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || next.getHost() == null) {
            throw new DownloadException(
                    DownloadException.Reason.BAD_RESPONSE,
                    "unusable redirect from " + HubErrors.describe(from) + " to " + location);
        }
        if (from.getScheme().equalsIgnoreCase("https") && scheme.equals("http")) {
            throw new DownloadException(
                    DownloadException.Reason.BAD_RESPONSE,
                    "refusing a redirect from https to http: " + HubErrors.describe(from) + " to "
                            + HubErrors.describe(next));
        }
        return next;
    }

    /**
     * {@code reference} resolved against {@code base} as RFC 3986 says; {@link URI#resolve} follows the older
     * RFC 2396, which drops the last path segment for a query-only reference such as {@code ?cursor=2}.
     */
    static URI resolve(URI base, String reference) {
        if (reference.startsWith("?")) {
            String target = base.toString();
            int query = target.indexOf('?');
            int fragment = target.indexOf('#');
            int end = query >= 0 ? query : fragment >= 0 ? fragment : target.length();
            return URI.create(target.substring(0, end) + reference);
        }
        return base.resolve(reference);
    }

    /** Whether {@code uri} has the endpoint's scheme, host and port: only there does the token go. */
    boolean isHub(URI uri) {
        return uri.getScheme().equalsIgnoreCase(endpoint.getScheme())
                && uri.getHost() != null
                && uri.getHost().equalsIgnoreCase(endpoint.getHost())
                && port(uri) == port(endpoint);
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    /** {@code Retry-After} as seconds or as an HTTP date. */
    static Optional<Duration> retryAfter(HttpHeaders headers) {
        return headers.firstValue("Retry-After").map(String::strip).flatMap(value -> {
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
            } catch (NumberFormatException notSeconds) {
                try {
                    ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                    Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
                    return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
                } catch (DateTimeParseException neither) {
                    return Optional.empty();
                }
            }
        });
    }

    @Override
    public void close() {
        client.shutdownNow();
    }
}
