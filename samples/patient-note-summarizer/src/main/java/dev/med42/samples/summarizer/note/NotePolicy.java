package dev.med42.samples.summarizer.note;

import dev.med42.samples.summarizer.SummarizerProperties;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.springframework.stereotype.Component;

/** Which notes are accepted: text, not blank, at most {@code summarizer.max-note-size} bytes of UTF-8. */
@Component
public class NotePolicy {
    private final long maxBytes;

    public NotePolicy(SummarizerProperties properties) {
        this.maxBytes = properties.maxNoteSize().toBytes();
    }

    public long maxBytes() {
        return maxBytes;
    }

    /**
     * The note, checked.
     *
     * @throws NoteException when it is missing or blank, or too large
     */
    public String accept(String note) {
        if (note == null || note.isBlank()) {
            throw new NoteException(NoteException.Problem.EMPTY, "The note is empty: paste or upload a note.");
        }
        requireSize(note.getBytes(StandardCharsets.UTF_8).length);
        return note;
    }

    /**
     * An uploaded file's bytes as a note: UTF-8 text (a byte-order mark is dropped), with no NUL characters.
     *
     * @throws NoteException when it is too large, not text, or blank
     */
    public String accept(byte[] upload) {
        requireSize(upload.length);
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(upload))
                    .toString();
        } catch (CharacterCodingException e) {
            throw notText();
        }
        if (text.indexOf('\0') >= 0) {
            throw notText(); // valid UTF-8 can still be binary: text files have no NUL characters
        }
        return accept(text.startsWith("\uFEFF") ? text.substring(1) : text);
    }

    /** The same check for a size known before reading, such as an upload's. */
    public void requireSize(long bytes) {
        if (bytes > maxBytes) {
            throw new NoteException(
                    NoteException.Problem.TOO_LARGE,
                    "The note is " + bytes + " bytes; the limit is " + maxBytes + " bytes.");
        }
    }

    static NoteException notText() {
        return new NoteException(
                NoteException.Problem.NOT_TEXT, "The upload is not a plain-text note: upload a UTF-8 .txt file.");
    }
}
