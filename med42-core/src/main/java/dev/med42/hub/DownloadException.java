package dev.med42.hub;

import java.io.IOException;

/**
 * A model or file that could not be fetched from the Hugging Face Hub. The message says what went wrong
 * and, where there is something to do about it, what; {@link #reason()} tells the cases apart for code.
 */
public final class DownloadException extends IOException {
    /** Why a download failed. */
    public enum Reason {
        /** The repository is gated and no token with access to it was given. */
        GATED,
        /** The hub refused the token, or wants one. */
        UNAUTHORIZED,
        REPOSITORY_NOT_FOUND,
        REVISION_NOT_FOUND,
        FILE_NOT_FOUND,
        /** No file of the repository has the requested quantization. */
        QUANTIZATION_NOT_FOUND,
        /** Several models of the repository have the requested quantization. */
        QUANTIZATION_AMBIGUOUS,
        /** The sizes given by the listing, the headers and the bytes received do not agree. */
        SIZE_MISMATCH,
        /** The sha256 of the bytes received, or the ones given by the listing and the headers, do not agree. */
        CHECKSUM_MISMATCH,
        /** Another process holds the lock of the file. */
        LOCKED,
        /** The downloaded bytes could not be written to the local disk. */
        WRITE_FAILED,
        /** Network errors, timeouts, 5xx or 429 answers went on beyond the retries. */
        UNAVAILABLE,
        /** The hub answered something this client cannot use: a malformed listing, an unexpected status. */
        BAD_RESPONSE
    }

    private final Reason reason;

    public DownloadException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public DownloadException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
