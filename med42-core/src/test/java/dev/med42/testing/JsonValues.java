package dev.med42.testing;

import dev.med42.json.Json;
import dev.med42.json.JsonException;
import java.util.List;
import java.util.Map;

/** Reads the JSON test vectors with core's {@link Json} and casts its values to what the tests expect. */
public final class JsonValues {
    private JsonValues() {}

    public static Object parse(String text) {
        try {
            return Json.parse(text);
        } catch (JsonException e) {
            throw new IllegalArgumentException("bad JSON test vector: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    public static List<Object> array(Object value) {
        return (List<Object>) value;
    }

    public static int[] ints(Object value) {
        return array(value).stream().mapToInt(v -> Math.toIntExact((Long) v)).toArray();
    }
}
