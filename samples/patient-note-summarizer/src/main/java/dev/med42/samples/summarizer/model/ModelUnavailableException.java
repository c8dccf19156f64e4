package dev.med42.samples.summarizer.model;

/** The model cannot take requests now: it is still loading, or it could not be loaded. Answered with 503. */
public class ModelUnavailableException extends RuntimeException {
    public ModelUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
