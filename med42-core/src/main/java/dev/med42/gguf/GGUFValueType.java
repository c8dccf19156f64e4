package dev.med42.gguf;

import java.util.Optional;

/** The metadata value types of the GGUF format, with their ids as stored in the file. */
public enum GGUFValueType {
    UINT8(0, 1),
    INT8(1, 1),
    UINT16(2, 2),
    INT16(3, 2),
    UINT32(4, 4),
    INT32(5, 4),
    FLOAT32(6, 4),
    BOOL(7, 1),
    STRING(8, 8),
    ARRAY(9, 12),
    UINT64(10, 8),
    INT64(11, 8),
    FLOAT64(12, 8);

    private static final GGUFValueType[] BY_ID = values();

    private final int id;
    private final int minBytes;

    GGUFValueType(int id, int minBytes) {
        this.id = id;
        this.minBytes = minBytes;
    }

    public static Optional<GGUFValueType> fromId(long id) {
        return id >= 0 && id < BY_ID.length ? Optional.of(BY_ID[(int) id]) : Optional.empty();
    }

    public int id() {
        return id;
    }

    /** The fewest bytes one value of this type takes in a file (a string's length, an array's header). */
    int minBytes() {
        return minBytes;
    }

    public boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
            default -> false;
        };
    }

    public boolean isFloat() {
        return this == FLOAT32 || this == FLOAT64;
    }
}
