package dev.med42.cli;

/** A command line that cannot be run as given: an unknown option, a missing or malformed value. */
public final class UsageException extends Exception {
    public UsageException(String message) {
        super(message);
    }
}
