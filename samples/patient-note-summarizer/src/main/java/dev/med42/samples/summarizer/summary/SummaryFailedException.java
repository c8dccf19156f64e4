package dev.med42.samples.summarizer.summary;

/** The model failed while summarizing. Its cause comes from the model, never from the note's text. */
public class SummaryFailedException extends RuntimeException {
    public SummaryFailedException(Throwable cause) {
        super("the model failed while summarizing", cause);
    }
}
