package dev.med42.gguf;

import java.util.Objects;

/**
 * One metadata value with its GGUF type. The Java value is a {@link Long} for every integer type (signed
 * types sign-extended, unsigned ones zero-extended; a UINT64 above {@link Long#MAX_VALUE} keeps its bits),
 * {@link Float} or {@link Double} for the float types, {@link Boolean}, {@link String}, or a {@link
 * GGUFArray}. The constructor rejects a value of the wrong kind or out of the type's range.
 */
public record GGUFValue(GGUFValueType type, Object value) {
    public GGUFValue {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        boolean fits = switch (type) {
            case UINT8 -> value instanceof Long n && n >= 0 && n <= 0xffL;
            case INT8 -> value instanceof Long n && n == (byte) (long) n;
            case UINT16 -> value instanceof Long n && n >= 0 && n <= 0xffffL;
            case INT16 -> value instanceof Long n && n == (short) (long) n;
            case UINT32 -> value instanceof Long n && n >= 0 && n <= 0xffffffffL;
            case INT32 -> value instanceof Long n && n == (int) (long) n;
            case UINT64, INT64 -> value instanceof Long;
            case FLOAT32 -> value instanceof Float;
            case FLOAT64 -> value instanceof Double;
            case BOOL -> value instanceof Boolean;
            case STRING -> value instanceof String;
            case ARRAY -> value instanceof GGUFArray;
        };
        if (!fits) {
            throw new IllegalArgumentException("not a " + type + " value: " + value + " ("
                    + value.getClass().getSimpleName() + ")");
        }
    }

    /** The value as text: unsigned 64-bit values in decimal, strings as they are, arrays summarized. */
    @Override
    public String toString() {
        return switch (type) {
            case UINT64 -> Long.toUnsignedString((Long) value);
            case STRING -> (String) value;
            default -> String.valueOf(value);
        };
    }
}
