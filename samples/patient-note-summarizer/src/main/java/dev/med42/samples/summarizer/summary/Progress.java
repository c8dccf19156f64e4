package dev.med42.samples.summarizer.summary;

/**
 * Where a summary has got to, for the page's progress bar: the step that is starting, of how many in all.
 *
 * @param phase what is happening
 * @param step the step that starts now, from 1 ({@code 0} while queued)
 * @param steps the model calls in all: one per piece, then the merges
 * @param part which piece (summarizing) or which merge (merging) this step is, from 1
 * @param parts how many pieces the note was cut into (summarizing), or how many merges there are (merging)
 * @param last whether this step writes the final summary, so that its text is the summary itself
 */
public record Progress(Phase phase, int step, int steps, int part, int parts, boolean last) {
    /** The phases of a summary. */
    public enum Phase {
        /** Waiting for a free place at the model. */
        QUEUED,
        /** Summarizing a piece of the note (the map step). */
        SUMMARIZING,
        /** Merging the pieces' summaries into one (the reduce step). */
        MERGING
    }

    public static Progress queued() {
        return new Progress(Phase.QUEUED, 0, 0, 0, 0, false);
    }
}
