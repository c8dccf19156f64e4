package dev.med42.samples.summarizer.web;

/**
 * The JSON body of a summary request.
 *
 * @param note the clinical note, as plain text
 */
public record NoteRequest(String note) {
    @Override
    public String toString() {
        return "NoteRequest[note=(" + (note == null ? "none" : note.length() + " characters") + ")]"; // never the text
    }
}
