package dev.med42.gguf;

import java.util.Objects;

/**
 * One metadata value with its GGUF type. The Java value is a {@link Long} for every integer type (an
 * unsigned 64-bit value keeps its bits), {@link Float} or {@link Double} for the float types, {@link
 * Boolean}, {@link String}, or a {@link GGUFArray}.
 */
public record GGUFValue(GGUFValueType type, Object value) {
    public GGUFValue {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
    }

    /** The value as a Java object ready to print: unsigned 64-bit values in decimal, arrays summarized. */
    @Override
    public String toString() {
        return switch (type) {
            case UINT64 -> Long.toUnsignedString((Long) value);
            case STRING -> (String) value;
            default -> String.valueOf(value);
        };
    }
}
