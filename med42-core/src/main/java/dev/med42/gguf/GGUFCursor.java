package dev.med42.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A little-endian, bounds-checked read position over a mapped file. Every read that would pass the end of
 * the file throws a {@link GGUFFormatException} naming what was being read, so a truncated or hostile
 * file never surfaces as an index error.
 */
final class GGUFCursor {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 =
            ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment data;
    private final Path file;
    private long position;

    GGUFCursor(MemorySegment data, Path file) {
        this.data = data;
        this.file = file;
    }

    long position() {
        return position;
    }

    long remaining() {
        return data.byteSize() - position;
    }

    long size() {
        return data.byteSize();
    }

    GGUFFormatException error(String problem) {
        return new GGUFFormatException(file, position, problem);
    }

    GGUFFormatException error(long at, String problem) {
        return new GGUFFormatException(file, at, problem);
    }

    private long take(long bytes, String what) throws GGUFFormatException {
        if (bytes > remaining()) {
            throw error("truncated file: " + what + " needs " + bytes + " bytes, only " + remaining() + " left");
        }
        long at = position;
        position += bytes;
        return at;
    }

    byte u8(String what) throws GGUFFormatException {
        return data.get(ValueLayout.JAVA_BYTE, take(1, what));
    }

    short u16(String what) throws GGUFFormatException {
        return data.get(U16, take(2, what));
    }

    int u32(String what) throws GGUFFormatException {
        return data.get(U32, take(4, what));
    }

    long u64(String what) throws GGUFFormatException {
        return data.get(U64, take(8, what));
    }

    float f32(String what) throws GGUFFormatException {
        return data.get(F32, take(4, what));
    }

    double f64(String what) throws GGUFFormatException {
        return data.get(F64, take(8, what));
    }

    /** A GGUF string: a uint64 byte length, then that many UTF-8 bytes (malformed bytes become U+FFFD). */
    String string(String what) throws GGUFFormatException {
        long start = position;
        long length = u64(what + " length");
        if (length < 0 || length > remaining()) {
            position = start;
            throw error(what + " length " + Long.toUnsignedString(length) + " does not fit in the " + (remaining() - 8)
                    + " bytes left in the file");
        }
        long at = take(length, what);
        byte[] bytes = data.asSlice(at, length).toArray(ValueLayout.JAVA_BYTE);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Checks that {@code count} items of at least {@code minBytes} each can still fit in the file, before
     * anything is allocated for them: a hostile count must not turn into an OutOfMemoryError.
     */
    void requireRoomFor(long count, long minBytes, String what) throws GGUFFormatException {
        if (count < 0 || (minBytes > 0 && count > remaining() / minBytes)) {
            throw error(what + " count " + Long.toUnsignedString(count) + " cannot fit in the " + remaining()
                    + " bytes left in the file");
        }
    }
}
