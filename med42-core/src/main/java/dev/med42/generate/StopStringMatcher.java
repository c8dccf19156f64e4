package dev.med42.generate;

import java.util.List;

/**
 * Watches streamed text for stop strings. Feed it the decoded pieces in order: it lets out at once the text
 * that can no longer be the start of a stop string, holds back a tail that still might be, and reports the
 * first stop string to complete, with the text before it, even when it spans several pieces. The text of a stop
 * string, or of a beginning that turns out to be one, is never let out. When several complete at once, the one
 * that ends first wins, the longest on a tie, so the result does not depend on how the text was cut into pieces.
 *
 * <p>Only the tail is kept (shorter than the longest stop string), so each piece costs time in proportion to
 * its length and that tail, however long the generation.
 *
 * <p>One instance follows one stream; it is not thread-safe.
 */
public final class StopStringMatcher {
    private final List<String> stopStrings;
    private final int longest;
    private final StringBuilder held = new StringBuilder();
    private boolean stopped;

    /** @param stopStrings none, or non-empty strings; matched exactly, case and all */
    public StopStringMatcher(List<String> stopStrings) {
        this.stopStrings = List.copyOf(stopStrings);
        for (String stop : this.stopStrings) {
            if (stop.isEmpty()) {
                throw new IllegalArgumentException("a stop string cannot be empty");
            }
        }
        this.longest = this.stopStrings.stream().mapToInt(String::length).max().orElse(0);
    }

    /**
     * What one piece lets out.
     *
     * @param text the text that can be shown now, possibly empty; when a stop string completed, all the text
     *     before it
     * @param stopString the stop string that completed, or null
     */
    public record Output(String text, String stopString) {
        public boolean stopped() {
            return stopString != null;
        }
    }

    /**
     * Takes the next piece of text. After a stop string, the rest of the piece is dropped.
     *
     * @throws IllegalStateException if a stop string was already found
     */
    public Output feed(String piece) {
        if (stopped) {
            throw new IllegalStateException("a stop string was already found: the stream has ended");
        }
        int before = held.length();
        held.append(piece);

        // The held tail holds no whole stop string, so a new one ends in this piece: look no earlier than that.
        int from = Math.max(0, before - longest + 1);
        int bestStart = -1;
        int bestEnd = Integer.MAX_VALUE;
        String found = null;
        for (String stop : stopStrings) {
            int start = held.indexOf(stop, from);
            int end = start + stop.length();
            if (start >= 0 && (end < bestEnd || (end == bestEnd && start < bestStart))) {
                bestStart = start;
                bestEnd = end;
                found = stop;
            }
        }
        if (found != null) {
            stopped = true;
            String text = held.substring(0, bestStart);
            held.setLength(0);
            return new Output(text, found);
        }
        int release = held.length() - partialMatchLength();
        String text = held.substring(0, release);
        held.delete(0, release);
        return new Output(text, null);
    }

    /** The text held back at the end of the stream (none after a stop string). */
    public String flush() {
        String text = held.toString();
        held.setLength(0);
        return text;
    }

    /** The length of the longest tail of {@code held} that begins some stop string. */
    private int partialMatchLength() {
        for (int length = Math.min(held.length(), longest - 1); length > 0; length--) {
            for (String stop : stopStrings) {
                if (stop.length() > length && tailStarts(stop, length)) {
                    return length;
                }
            }
        }
        return 0;
    }

    private boolean tailStarts(String stop, int length) {
        int offset = held.length() - length;
        for (int i = 0; i < length; i++) {
            if (held.charAt(offset + i) != stop.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
