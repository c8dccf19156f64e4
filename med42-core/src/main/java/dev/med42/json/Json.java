package dev.med42.json;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON reader (RFC 8259) that maps a document onto plain Java values:
 *
 * <ul>
 *   <li>object → unmodifiable {@code Map<String, Object>} in document order (a repeated key is an error);
 *   <li>array → unmodifiable {@code List<Object>};
 *   <li>string → {@code String};
 *   <li>number → {@code Long} when it is an integer that fits, otherwise {@code Double};
 *   <li>{@code true}/{@code false} → {@code Boolean}; {@code null} → {@code null}.
 * </ul>
 *
 * <p>Strict means: no comments, no trailing commas, no single quotes, no leading zeros or {@code +} signs, no
 * NaN, no raw control characters inside strings, and nothing but whitespace after the value. Nesting is
 * limited to {@value #MAX_DEPTH} levels so that hostile input cannot exhaust the stack.
 */
public final class Json {
    /** The deepest nesting of arrays and objects accepted. */
    public static final int MAX_DEPTH = 512;

    private final String text;
    private int at;
    private int depth;

    private Json(String text) {
        this.text = text;
    }

    /** Parses one JSON value that makes up the whole of {@code text}. */
    public static Object parse(String text) throws JsonException {
        Json json = new Json(text);
        json.skipSpace();
        Object value = json.value();
        json.skipSpace();
        if (json.at < text.length()) {
            throw json.error("unexpected '" + text.charAt(json.at) + "' after the value");
        }
        return value;
    }

    private Object value() throws JsonException {
        return switch (peek()) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> number();
            default -> throw error("unexpected '" + peek() + "'");
        };
    }

    private Map<String, Object> object() throws JsonException {
        enter();
        var result = new LinkedHashMap<String, Object>();
        at++;
        skipSpace();
        if (!take('}')) {
            do {
                skipSpace();
                if (peek() != '"') {
                    throw error("expected a string key");
                }
                int keyAt = at;
                String key = string();
                skipSpace();
                expect(':');
                skipSpace();
                if (result.containsKey(key)) {
                    throw new JsonException("repeated key \"" + key + "\"", keyAt);
                }
                result.put(key, value());
                skipSpace();
            } while (take(','));
            expect('}');
        }
        depth--;
        return Collections.unmodifiableMap(result);
    }

    private List<Object> array() throws JsonException {
        enter();
        var result = new ArrayList<Object>();
        at++;
        skipSpace();
        if (!take(']')) {
            do {
                skipSpace();
                result.add(value());
                skipSpace();
            } while (take(','));
            expect(']');
        }
        depth--;
        return Collections.unmodifiableList(result);
    }

    private void enter() throws JsonException {
        if (++depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    private String string() throws JsonException {
        at++; // the opening quote
        var out = new StringBuilder();
        while (true) {
            char c = peek();
            at++;
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                at--;
                throw error("control character U+" + hex4(c) + " in a string (it must be escaped)");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char escaped = peek();
            at++;
            switch (escaped) {
                case '"', '\\', '/' -> out.append(escaped);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                // A pair of \\u escapes for a surrogate pair comes out as that pair: Java strings are UTF-16 too.
                case 'u' -> out.append(unicodeEscape());
                default -> {
                    at--;
                    throw error("unknown escape \\" + escaped);
                }
            }
        }
    }

    private char unicodeEscape() throws JsonException {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            char c = peek();
            int digit = c >= '0' && c <= '9'
                    ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (digit < 0) {
                throw error("expected four hex digits after \\u");
            }
            value = value * 16 + digit;
            at++;
        }
        return (char) value;
    }

    private Object number() throws JsonException {
        int start = at;
        take('-');
        if (!take('0')) {
            if (digits() == 0) {
                throw error("expected a digit");
            }
        } else if (at < text.length() && isDigit(text.charAt(at))) {
            throw error("leading zero in a number");
        }
        boolean integer = true;
        if (take('.')) {
            integer = false;
            if (digits() == 0) {
                throw error("expected a digit after the decimal point");
            }
        }
        if (take('e') || take('E')) {
            integer = false;
            if (!take('+')) {
                take('-');
            }
            if (digits() == 0) {
                throw error("expected a digit in the exponent");
            }
        }
        String number = text.substring(start, at);
        if (integer) {
            try {
                return Long.parseLong(number);
            } catch (NumberFormatException tooLarge) {
                // falls through to a double, like every other number that is not a long
            }
        }
        return Double.parseDouble(number);
    }

    private int digits() {
        int start = at;
        while (at < text.length() && isDigit(text.charAt(at))) {
            at++;
        }
        return at - start;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private Object literal(String word, Object value) throws JsonException {
        if (!text.startsWith(word, at)) {
            throw error("expected " + word);
        }
        at += word.length();
        return value;
    }

    private void skipSpace() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            at++;
        }
    }

    private char peek() throws JsonException {
        if (at >= text.length()) {
            throw error("unexpected end of text");
        }
        return text.charAt(at);
    }

    private boolean take(char c) {
        if (at < text.length() && text.charAt(at) == c) {
            at++;
            return true;
        }
        return false;
    }

    private void expect(char c) throws JsonException {
        if (!take(c)) {
            throw error(
                    at < text.length()
                            ? "expected '" + c + "' but found '" + text.charAt(at) + "'"
                            : "expected '" + c + "' but the text ends");
        }
    }

    private static String hex4(char c) {
        return String.format("%04X", (int) c);
    }

    private JsonException error(String problem) {
        return new JsonException(problem, at);
    }
}
