package dev.med42.gguf;

import dev.med42.quant.GGMLType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/**
 * Parses the GGUF header, metadata and tensor table (versions 2 and 3) and validates every tensor against
 * the file: its type, shape, alignment, and that its data lies inside the file without overlapping
 * another tensor.
 */
final class GGUFReader {
    static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
    static final int MAX_DIMS = 4;
    static final int DEFAULT_ALIGNMENT = 32;
    static final String ALIGNMENT_KEY = "general.alignment";
    private static final int MAX_ARRAY_NESTING = 8;
    private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    private final GGUFCursor in;

    private GGUFReader(GGUFCursor in) {
        this.in = in;
    }

    /** The parsed header; {@code dataOffset} is the absolute offset of the tensor data section. */
    record Header(int version, GGUFMetadata metadata, List<GGUFTensorInfo> tensors, int alignment, long dataOffset) {}

    static Header read(GGUFCursor in) throws GGUFFormatException {
        return new GGUFReader(in).header();
    }

    private Header header() throws GGUFFormatException {
        int magic = in.u32("magic");
        if (magic != MAGIC) {
            throw in.error(0, "bad magic " + hexBytes(magic) + ": not a GGUF file (expected \"GGUF\")");
        }
        int version = in.u32("version");
        if (version != 2 && version != 3) {
            throw in.error(
                    4,
                    "unsupported GGUF version " + Integer.toUnsignedString(version)
                            + " (this reader supports versions 2 and 3)");
        }
        long tensorCount = in.u64("tensor count");
        long kvCount = in.u64("metadata count");
        // Smallest possible entries: key (8-byte length) + type, and name + n_dims + one dim + type + offset.
        in.requireRoomFor(kvCount, 8 + 4 + 1, "metadata");
        var values = new LinkedHashMap<String, GGUFValue>();
        for (long i = 0; i < kvCount; i++) {
            long keyAt = in.position();
            String key = in.string("metadata key #" + i);
            GGUFValue value = value(key, 0);
            if (values.putIfAbsent(key, value) != null) {
                throw in.error(keyAt, "duplicate metadata key " + key);
            }
        }
        var metadata = new GGUFMetadata(values);
        int alignment = alignment(metadata);

        in.requireRoomFor(tensorCount, 8 + 4 + 8 + 4 + 8, "tensor");
        var tensors = new ArrayList<GGUFTensorInfo>((int) tensorCount);
        Set<String> names = new HashSet<>();
        for (long i = 0; i < tensorCount; i++) {
            long at = in.position();
            GGUFTensorInfo tensor = tensorInfo(i, alignment);
            if (!names.add(tensor.name())) {
                throw in.error(at, "duplicate tensor name " + tensor.name());
            }
            tensors.add(tensor);
        }
        long dataOffset = alignUp(in.position(), alignment);
        checkTensorData(tensors, dataOffset);
        return new Header(version, metadata, List.copyOf(tensors), alignment, dataOffset);
    }

    private GGUFValue value(String key, int depth) throws GGUFFormatException {
        long typeAt = in.position();
        int typeId = in.u32("type of " + key);
        GGUFValueType type = GGUFValueType.fromId(Integer.toUnsignedLong(typeId))
                .orElseThrow(() -> in.error(
                        typeAt, "unknown metadata value type " + Integer.toUnsignedString(typeId) + " for key " + key));
        Object value = switch (type) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> integer(type, key);
            case FLOAT32 -> in.f32(key);
            case FLOAT64 -> in.f64(key);
            case BOOL -> bool(key);
            case STRING -> in.string(key);
            case ARRAY -> array(key, depth + 1);
        };
        return new GGUFValue(type, value);
    }

    private boolean bool(String key) throws GGUFFormatException {
        long at = in.position();
        byte b = in.u8(key);
        if (b != 0 && b != 1) {
            throw in.error(at, "bool value " + Byte.toUnsignedInt(b) + " for key " + key + " is neither 0 nor 1");
        }
        return b == 1;
    }

    private GGUFArray array(String key, int depth) throws GGUFFormatException {
        if (depth > MAX_ARRAY_NESTING) {
            throw in.error("arrays nested deeper than " + MAX_ARRAY_NESTING + " for key " + key);
        }
        long typeAt = in.position();
        int typeId = in.u32("array element type of " + key);
        GGUFValueType type = GGUFValueType.fromId(Integer.toUnsignedLong(typeId))
                .orElseThrow(() -> in.error(
                        typeAt, "unknown array element type " + Integer.toUnsignedString(typeId) + " for key " + key));
        long countAt = in.position();
        long count = in.u64("array length of " + key);
        in.requireRoomFor(count, type.minBytes(), "array " + key + " element");
        if (count > MAX_ARRAY_LENGTH) {
            throw in.error(countAt, "array " + key + " has " + count + " elements, more than this reader accepts");
        }
        int n = (int) count;
        Object elements = switch (type) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) {
                    a[i] = integer(type, key);
                }
                yield a;
            }
            case FLOAT32 -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) {
                    a[i] = in.f32(key);
                }
                yield a;
            }
            case FLOAT64 -> {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) {
                    a[i] = in.f64(key);
                }
                yield a;
            }
            case BOOL -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) {
                    a[i] = bool(key);
                }
                yield a;
            }
            case STRING -> {
                String[] a = new String[n];
                for (int i = 0; i < n; i++) {
                    a[i] = in.string(key + "[" + i + "]");
                }
                yield a;
            }
            case ARRAY -> {
                GGUFArray[] a = new GGUFArray[n];
                for (int i = 0; i < n; i++) {
                    a[i] = array(key + "[" + i + "]", depth + 1);
                }
                yield a;
            }
        };
        return new GGUFArray(type, elements);
    }

    /** An integer of any GGUF width, widened to a long (signed types sign-extended, unsigned ones not). */
    private long integer(GGUFValueType type, String key) throws GGUFFormatException {
        return switch (type) {
            case UINT8 -> (long) Byte.toUnsignedInt(in.u8(key));
            case INT8 -> (long) in.u8(key);
            case UINT16 -> (long) Short.toUnsignedInt(in.u16(key));
            case INT16 -> (long) in.u16(key);
            case UINT32 -> Integer.toUnsignedLong(in.u32(key));
            case INT32 -> (long) in.u32(key);
            default -> in.u64(key);
        };
    }

    private int alignment(GGUFMetadata metadata) throws GGUFFormatException {
        GGUFValue value = metadata.get(ALIGNMENT_KEY).orElse(null);
        if (value == null) {
            return DEFAULT_ALIGNMENT;
        }
        if (!value.type().isInteger()) {
            throw in.error(ALIGNMENT_KEY + " is " + value.type() + ", expected an integer");
        }
        long alignment = (Long) value.value();
        if (alignment <= 0 || alignment > (1 << 30) || Long.bitCount(alignment) != 1) {
            throw in.error(ALIGNMENT_KEY + " = " + Long.toUnsignedString(alignment) + " is not a power of two");
        }
        return (int) alignment;
    }

    private GGUFTensorInfo tensorInfo(long index, int alignment) throws GGUFFormatException {
        String name = in.string("name of tensor #" + index);
        long dimsAt = in.position();
        int rank = in.u32("dimension count of tensor " + name);
        if (rank < 1 || rank > MAX_DIMS) {
            throw in.error(
                    dimsAt,
                    "tensor " + name + " has " + Integer.toUnsignedString(rank) + " dimensions; GGUF allows 1 to "
                            + MAX_DIMS);
        }
        long[] shape = new long[rank];
        long elements = 1;
        for (int d = 0; d < rank; d++) {
            long dimAt = in.position();
            shape[d] = in.u64("dimension " + d + " of tensor " + name);
            if (shape[d] <= 0) {
                throw in.error(
                        dimAt, "tensor " + name + " has dimension " + d + " = " + Long.toUnsignedString(shape[d]));
            }
            if (elements > Long.MAX_VALUE / shape[d]) {
                throw in.error(dimAt, "tensor " + name + " shape " + Arrays.toString(shape) + " overflows 64 bits");
            }
            elements *= shape[d];
        }
        long typeAt = in.position();
        int typeId = in.u32("type of tensor " + name);
        GGMLType type = GGMLType.fromId(Integer.toUnsignedLong(typeId))
                .orElseThrow(() -> in.error(
                        typeAt, "tensor " + name + " has unknown ggml type " + Integer.toUnsignedString(typeId)));
        if (shape[0] % type.blockSize() != 0) {
            throw in.error(
                    typeAt,
                    "tensor " + name + " row length " + shape[0] + " is not a multiple of the " + type + " block size "
                            + type.blockSize());
        }
        long offsetAt = in.position();
        long offset = in.u64("data offset of tensor " + name);
        if (offset < 0 || offset % alignment != 0) {
            throw in.error(
                    offsetAt,
                    "tensor " + name + " data offset " + Long.toUnsignedString(offset)
                            + " is not a multiple of the alignment " + alignment);
        }
        long byteSize;
        try {
            byteSize = type.byteSize(elements);
        } catch (ArithmeticException e) {
            throw in.error(typeAt, "tensor " + name + " is too large to address");
        }
        return new GGUFTensorInfo(name, type, shape, offset, byteSize);
    }

    /** Every tensor's data must lie within the file and no two may overlap. */
    private void checkTensorData(List<GGUFTensorInfo> tensors, long dataOffset) throws GGUFFormatException {
        if (tensors.isEmpty()) {
            return;
        }
        long dataSize = in.size() - dataOffset;
        var byOffset = new ArrayList<>(tensors);
        byOffset.sort(Comparator.comparingLong(GGUFTensorInfo::offset));
        GGUFTensorInfo previous = null;
        for (GGUFTensorInfo t : byOffset) {
            if (t.offset() > dataSize || t.byteSize() > dataSize - t.offset()) {
                throw in.error(
                        dataOffset + t.offset(),
                        "truncated file: data of tensor " + t.name() + " ("
                                + t.byteSize() + " bytes at data offset " + t.offset()
                                + ") extends past the end of the file"
                                + " (data section holds " + Math.max(dataSize, 0) + " bytes)");
            }
            if (previous != null && t.offset() < previous.offset() + previous.byteSize()) {
                throw in.error(
                        dataOffset + t.offset(), "data of tensor " + t.name() + " overlaps tensor " + previous.name());
            }
            previous = t;
        }
    }

    static long alignUp(long offset, int alignment) {
        return (offset + alignment - 1) / alignment * alignment;
    }

    private static String hexBytes(int littleEndian) {
        return String.format(
                "%02x %02x %02x %02x",
                littleEndian & 0xff, (littleEndian >>> 8) & 0xff, (littleEndian >>> 16) & 0xff, littleEndian >>> 24);
    }
}
