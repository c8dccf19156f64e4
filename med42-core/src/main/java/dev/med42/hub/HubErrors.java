package dev.med42.hub;

import dev.med42.hub.DownloadException.Reason;
import dev.med42.json.Json;
import dev.med42.json.JsonException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns an error answer of the Hub into a {@link DownloadException} with a plain message. The hub names its
 * errors in {@code X-Error-Code} ({@code GatedRepo}, {@code RepoNotFound}, {@code RevisionNotFound}, {@code
 * EntryNotFound}) and explains them in {@code X-Error-Message} or a JSON body {@code {"error": "..."}}.
 */
final class HubErrors {
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private HubErrors() {}

    /** What was asked for, to name in messages. {@code path} is null for the repository listing. */
    record Subject(URI endpoint, String repo, String revision, String path, boolean withToken) {}

    /** The exception for an error answer (status 400 or more, or an unexpected one). */
    static DownloadException error(HubHttp.Reply reply, Subject subject) {
        int status = reply.status();
        if (!reply.fromHub()) { // the storage the hub redirected to: no token went there, no hub error codes
            return new DownloadException(
                    Reason.BAD_RESPONSE,
                    "unexpected answer HTTP " + status + " from " + describe(reply.uri()) + ", where the hub sent "
                            + (subject.path() == null ? "the listing" : subject.path())
                            + serverMessage(reply)
                                    .map(m -> " (the server says: " + m + ")")
                                    .orElse(""));
        }
        String code = reply.headers().firstValue("X-Error-Code").orElse("");
        String server =
                serverMessage(reply).map(m -> " (the hub says: " + m + ")").orElse("");
        String repoPage = subject.endpoint().toString().replaceAll("/+$", "") + "/" + subject.repo();
        return switch (code) {
            case "GatedRepo" ->
                new DownloadException(
                        Reason.GATED,
                        subject.withToken()
                                ? "the repository " + subject.repo() + " is gated and the token given has no access"
                                        + " to it: accept its terms on " + repoPage + " with the account of that token"
                                        + server
                                : "the repository " + subject.repo() + " is gated: accept its terms on " + repoPage
                                        + " and set HF_TOKEN to a token of that account" + server);
            case "RepoNotFound" ->
                new DownloadException(
                        Reason.REPOSITORY_NOT_FOUND,
                        "repository " + subject.repo() + " not found on " + subject.endpoint()
                                + (subject.withToken() ? "" : " (if it is private, set HF_TOKEN)") + server);
            case "RevisionNotFound" ->
                new DownloadException(
                        Reason.REVISION_NOT_FOUND,
                        "revision " + subject.revision() + " not found in " + subject.repo() + server);
            case "EntryNotFound" ->
                new DownloadException(
                        Reason.FILE_NOT_FOUND,
                        (subject.path() == null ? "path" : "file " + subject.path()) + " not found in " + subject.repo()
                                + " at revision " + subject.revision() + server);
            default -> byStatus(status, reply.uri(), subject, server);
        };
    }

    private static DownloadException byStatus(int status, URI uri, Subject subject, String server) {
        if (status == 401) {
            return new DownloadException(
                    Reason.UNAUTHORIZED,
                    (subject.withToken()
                                    ? "the hub refused the token (HTTP 401): check HF_TOKEN"
                                    : "the hub wants a token for " + subject.repo()
                                            + " (HTTP 401): it may be private or gated, set HF_TOKEN")
                            + server);
        }
        if (status == 403) {
            return new DownloadException(
                    Reason.UNAUTHORIZED,
                    "access to " + describe(uri) + " denied (HTTP 403)"
                            + (subject.withToken() ? ": check the token's permissions" : ": set HF_TOKEN") + server);
        }
        if (status == 404) {
            return new DownloadException(
                    subject.path() == null ? Reason.REPOSITORY_NOT_FOUND : Reason.FILE_NOT_FOUND,
                    "not found (HTTP 404): " + describe(uri) + server);
        }
        return new DownloadException(
                Reason.BAD_RESPONSE, "unexpected answer HTTP " + status + " from " + describe(uri) + server);
    }

    /**
     * The server's explanation: {@code X-Error-Message}, or the {@code error} of a small JSON body. Reads the
     * body, so call it once per reply.
     */
    static Optional<String> serverMessage(HubHttp.Reply reply) {
        Optional<String> header =
                reply.headers().firstValue("X-Error-Message").map(String::strip).filter(m -> !m.isEmpty());
        if (header.isPresent()) {
            return header;
        }
        boolean json = reply.headers()
                .firstValue("Content-Type")
                .map(t -> t.toLowerCase(Locale.ROOT).contains("json"))
                .orElse(false);
        if (!json) {
            return Optional.empty();
        }
        try (InputStream body = reply.response().body()) {
            byte[] bytes = body.readNBytes(MAX_ERROR_BODY);
            if (Json.parse(new String(bytes, StandardCharsets.UTF_8)) instanceof Map<?, ?> map
                    && map.get("error") instanceof String error
                    && !error.isBlank()) {
                return Optional.of(error.strip());
            }
        } catch (JsonException notJson) {
            return Optional.empty();
        } catch (IOException unreadable) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** A network failure in a few words: the JDK leaves some messages empty. */
    static String networkMessage(IOException e) {
        String message = e.getMessage();
        if (e instanceof HttpConnectTimeoutException) {
            return "connect timed out";
        }
        if (e instanceof HttpTimeoutException) {
            return "no answer in time (" + (message == null ? "timed out" : message) + ")";
        }
        if (e instanceof ConnectException && (message == null || message.isBlank())) {
            return "connection refused";
        }
        if (message == null || message.isBlank()) {
            message = e.getClass().getSimpleName();
        }
        // The JDK wraps a body that broke off in a bare "closed": the cause says how.
        if (e.getCause() instanceof IOException cause
                && cause.getMessage() != null
                && !message.contains(cause.getMessage())) {
            message += " (" + cause.getMessage() + ")";
        }
        return message;
    }

    /** A URI without its query, which for a storage redirect holds a signature that has no place in logs. */
    static String describe(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }
}
