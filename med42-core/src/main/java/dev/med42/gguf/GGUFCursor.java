package dev.med42.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A little-endian, bounds-checked read position over a mapped file (one or several raw parts). Every read
 * that would pass the end throws a {@link GGUFFormatException} naming what was being read, so a truncated or
 * hostile file never surfaces as an index error. The end is the end of the file, or an earlier limit.
 */
final class GGUFCursor {
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MappedParts file;
    private final long end;
    private long position;

    /** A cursor that reads no further than {@code limit} bytes into the file. */
    GGUFCursor(MappedParts file, long limit) {
        this.file = file;
        this.end = Math.min(limit, file.byteSize());
    }

    long position() {
        return position;
    }

    /** The bytes left to read. */
    long remaining() {
        return end - position;
    }

    /** What bounds the reads, for messages: "in the file", or the limit when that comes first. */
    private String bound() {
        return end < file.byteSize() ? "before the limit of " + end + " bytes" : "in the file";
    }

    long size() {
        return file.byteSize();
    }

    GGUFFormatException error(String problem) {
        return error(position, problem);
    }

    GGUFFormatException error(long at, String problem) {
        return new GGUFFormatException(file.path(), at, file.where(at), problem);
    }

    /** The next {@code bytes} bytes, which must be in the file. */
    MemorySegment bytes(long bytes, String what) throws GGUFFormatException {
        if (bytes > remaining()) {
            throw error((end < file.byteSize() ? "" : "truncated file: ") + what + " needs " + bytes + " bytes, only "
                    + remaining() + " left " + bound());
        }
        MemorySegment slice = file.slice(position, bytes);
        position += bytes;
        return slice;
    }

    byte u8(String what) throws GGUFFormatException {
        return bytes(1, what).get(ValueLayout.JAVA_BYTE, 0);
    }

    short u16(String what) throws GGUFFormatException {
        return bytes(2, what).get(U16, 0);
    }

    int u32(String what) throws GGUFFormatException {
        return bytes(4, what).get(U32, 0);
    }

    long u64(String what) throws GGUFFormatException {
        return bytes(8, what).get(U64, 0);
    }

    float f32(String what) throws GGUFFormatException {
        return bytes(4, what).get(F32, 0);
    }

    double f64(String what) throws GGUFFormatException {
        return bytes(8, what).get(F64, 0);
    }

    /**
     * A GGUF string: a uint64 byte length, then that many UTF-8 bytes (malformed bytes become U+FFFD). The
     * length is checked against the file and {@code maxBytes} before anything is allocated.
     */
    String string(String what, long maxBytes) throws GGUFFormatException {
        long start = position;
        long length = u64(what + " length");
        if (length < 0 || length > remaining()) {
            throw error(
                    start,
                    what + " length " + Long.toUnsignedString(length) + " does not fit in the " + remaining()
                            + " bytes left " + bound());
        }
        if (length > maxBytes) {
            throw error(start, what + " is " + length + " bytes long, more than the " + maxBytes + " allowed");
        }
        return new String(bytes(length, what).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    /** A GGUF string of any length the file (or the limit) holds. */
    String string(String what) throws GGUFFormatException {
        return string(what, Long.MAX_VALUE);
    }

    /**
     * Checks that {@code count} items (a count read at {@code countAt}) of at least {@code minBytes} each can
     * still fit, before anything is allocated for them: a hostile count must not become an OutOfMemoryError.
     */
    void requireRoomFor(long countAt, long count, long minBytes, String what) throws GGUFFormatException {
        if (count < 0 || (minBytes > 0 && count > remaining() / minBytes)) {
            throw error(
                    countAt,
                    what + " count " + Long.toUnsignedString(count) + " cannot fit in the " + remaining()
                            + " bytes left " + bound());
        }
    }
}
