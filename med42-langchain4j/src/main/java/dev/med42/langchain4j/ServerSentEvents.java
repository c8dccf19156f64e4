package dev.med42.langchain4j;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads server-sent events as the HTML standard defines them: lines ending in LF, CRLF or CR; {@code field: value}
 * (one space after the colon dropped); {@code data} lines joined by LF; comments ({@code :} lines, such as
 * keep-alives) and other fields ignored; a blank line ends an event, and an event without data is none. One addition:
 * llama.cpp's server writes an error in a stream as a line {@code error: {...}}, read here as an event of type {@code
 * error}. Not thread-safe.
 */
final class ServerSentEvents {
    /** One event: its type ({@code message} unless an {@code event} line says otherwise) and its data. */
    record Event(String type, String data) {}

    private final InputStream in;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean afterCr;

    ServerSentEvents(InputStream in) {
        this.in = in;
    }

    /** The next event, or null at the end of the stream (an unfinished last event is dropped, as the standard says). */
    Event next() throws IOException {
        String type = null;
        StringBuilder data = null;
        for (String l; (l = readLine()) != null; ) {
            if (l.isEmpty()) {
                if (data != null) {
                    return new Event(type != null ? type : "message", data.toString());
                }
                type = null;
                continue;
            }
            int colon = l.indexOf(':');
            if (colon == 0) {
                continue; // a comment
            }
            String field = colon < 0 ? l : l.substring(0, colon);
            String value = colon < 0 ? "" : l.substring(l.startsWith(" ", colon + 1) ? colon + 2 : colon + 1);
            switch (field) {
                case "event" -> type = value;
                case "data", "error" -> {
                    data = data == null
                            ? new StringBuilder(value)
                            : data.append('\n').append(value);
                    if (field.equals("error")) {
                        type = "error";
                    }
                }
                default -> {} // id, retry and unknown fields mean nothing here
            }
        }
        return null;
    }

    /** The next line without its end, or null at the end of the stream. UTF-8: LF and CR never occur inside a char. */
    private String readLine() throws IOException {
        line.reset();
        for (int b; (b = in.read()) >= 0; ) {
            if (afterCr) {
                afterCr = false;
                if (b == '\n') {
                    continue; // the LF of a CRLF
                }
            }
            if (b == '\n' || b == '\r') {
                afterCr = b == '\r';
                return line.toString(StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        return null;
    }
}
