package dev.med42.samples.summarizer.web;

/** Every place at the model and in its queue is taken. Answered with 429 and {@code Retry-After}. */
public class ModelBusyException extends RuntimeException {
    public ModelBusyException() {
        super("The model is busy with other summaries and its queue is full.");
    }
}
