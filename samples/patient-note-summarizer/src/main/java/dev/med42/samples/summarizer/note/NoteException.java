package dev.med42.samples.summarizer.note;

/**
 * A note that cannot be summarized, and why. The message is fixed per problem and never quotes the note: it ends
 * up in responses, and possibly in logs.
 */
public class NoteException extends RuntimeException {
    /** What is wrong with the note. */
    public enum Problem {
        EMPTY,
        TOO_LARGE,
        NOT_TEXT
    }

    private final Problem problem;

    public NoteException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
