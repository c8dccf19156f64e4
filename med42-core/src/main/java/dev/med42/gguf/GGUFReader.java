package dev.med42.gguf;

import dev.med42.quant.GGMLType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the GGUF header, metadata and tensor table (versions 2 and 3) and validates every tensor against
 * the file: its type, shape, alignment, and that its data lies inside the file without overlapping another
 * tensor.
 *
 * <p>It follows ggml's gguf.cpp (llama.cpp c392e509) and docs/gguf.md, and is stricter where they allow
 * what no valid model needs: a dimension of 0 (ggml divides by it), a tensor of 0 dimensions, a bool other
 * than 0 or 1 (invalid per the spec). It is more lenient in one place: tensors may lie in any order and with
 * gaps, as long as each is aligned, inside the file and apart from the others (gguf.cpp insists on ggml's
 * own packed layout). Arrays may nest, as the spec allows, up to {@value #MAX_ARRAY_NESTING} deep.
 *
 * <p>No count or length read from the file is trusted before it has been checked against the bytes left,
 * so a hostile file cannot make the reader allocate more than the file could hold, and the header may take
 * at most {@link #MAX_HEADER_BYTES}. Metadata is copied to the heap in about as many bytes as it takes in
 * the file (a few tens more per string).
 */
final class GGUFReader {
    static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
    static final long TENSOR_COUNT_AT = 8;
    static final long KV_COUNT_AT = 16;
    static final int MAX_DIMS = 4; // GGML_MAX_DIMS
    static final int MAX_TENSOR_NAME_BYTES = 63; // GGML_MAX_NAME is 64 with the terminating NUL
    static final int MAX_KEY_BYTES = 65535; // docs/gguf.md
    static final int DEFAULT_ALIGNMENT = 32;
    static final int MAX_ALIGNMENT = 1 << 30;
    static final String ALIGNMENT_KEY = "general.alignment";
    static final int MAX_ARRAY_NESTING = 8;
    /**
     * The most bytes the header (metadata and tensor table) may take. The largest real ones take tens of MB
     * (a 256K-token vocabulary with its merges); the cap bounds the heap copy of a hostile header, which for
     * millions of one-byte strings is about six times its size in the file.
     */
    static final long MAX_HEADER_BYTES = 256L << 20;
    // The fewest bytes a key/value pair takes (key length, value type, a one-byte value) and a tensor info
    // (name length, dimension count, one dimension, type, offset).
    private static final int MIN_KV_BYTES = 8 + 4 + 1;
    private static final int MIN_TENSOR_INFO_BYTES = 8 + 4 + 8 + 4 + 8;

    private final GGUFCursor in;

    private GGUFReader(GGUFCursor in) {
        this.in = in;
    }

    /**
     * The parsed header. {@code dataOffset} is the absolute offset of the tensor data section; {@code
     * keyOffsets} and {@code tensorInfoOffsets} say where each metadata entry and tensor info starts, for
     * precise errors found after parsing.
     */
    record Header(
            int version,
            GGUFMetadata metadata,
            List<GGUFTensorInfo> tensors,
            int alignment,
            long dataOffset,
            Map<String, Long> keyOffsets,
            Map<String, Long> tensorInfoOffsets) {}

    static Header read(GGUFCursor in) throws GGUFFormatException {
        return new GGUFReader(in).header();
    }

    private Header header() throws GGUFFormatException {
        if (in.size() == 0) {
            throw in.error(0, "empty file: not a GGUF file");
        }
        int magic = in.u32("magic");
        if (magic != MAGIC) {
            throw in.error(0, "bad magic " + hexBytes(magic) + ": not a GGUF file (expected \"GGUF\")");
        }
        int version = version(in.u32("version"));
        long tensorCount = in.u64("tensor count");
        long kvCount = in.u64("metadata count");
        // Each count is checked against the bytes left where its items begin, before anything is allocated.
        in.requireRoomFor(KV_COUNT_AT, kvCount, MIN_KV_BYTES, "metadata");

        var values = new LinkedHashMap<String, GGUFValue>();
        var keyOffsets = new HashMap<String, Long>();
        for (long i = 0; i < kvCount; i++) {
            long keyAt = in.position();
            String key = in.string("metadata key #" + i, MAX_KEY_BYTES);
            if (key.isEmpty()) {
                throw in.error(keyAt, "metadata key #" + i + " is empty");
            }
            if (values.containsKey(key)) {
                throw in.error(keyAt, "duplicate metadata key " + key);
            }
            values.put(key, value(key));
            keyOffsets.put(key, keyAt);
        }
        var metadata = new GGUFMetadata(values);
        int alignment = alignment(metadata, keyOffsets);

        in.requireRoomFor(TENSOR_COUNT_AT, tensorCount, MIN_TENSOR_INFO_BYTES, "tensor");
        var tensors = new ArrayList<GGUFTensorInfo>();
        var tensorInfoOffsets = new HashMap<String, Long>();
        for (long i = 0; i < tensorCount; i++) {
            long at = in.position();
            GGUFTensorInfo tensor = tensorInfo(i, alignment);
            if (tensorInfoOffsets.putIfAbsent(tensor.name(), at) != null) {
                throw in.error(at, "duplicate tensor name " + tensor.name());
            }
            tensors.add(tensor);
        }
        long dataOffset = alignUp(in.position(), alignment);
        checkTensorData(tensors, dataOffset);
        return new Header(
                version,
                metadata,
                List.copyOf(tensors),
                alignment,
                dataOffset,
                Map.copyOf(keyOffsets),
                Map.copyOf(tensorInfoOffsets));
    }

    private int version(int version) throws GGUFFormatException {
        if (version == 2 || version == 3) {
            return version;
        }
        String v = Integer.toUnsignedString(version);
        if (version == 1) {
            throw in.error(4, "GGUF version 1 is no longer supported (nor by llama.cpp): convert the model again");
        }
        if ((version & 0xffff) == 0 && Integer.reverseBytes(version) > 0 && Integer.reverseBytes(version) <= 3) {
            throw in.error(
                    4,
                    "version " + v + " is version " + Integer.reverseBytes(version)
                            + " byte-swapped: a big-endian GGUF file, which this reader does not support");
        }
        throw in.error(4, "unsupported GGUF version " + v + " (this reader supports versions 2 and 3)");
    }

    private GGUFValue value(String key) throws GGUFFormatException {
        GGUFValueType type = valueType("type of " + key);
        Object value = switch (type) {
            case UINT8 -> Byte.toUnsignedLong(in.u8(key));
            case INT8 -> (long) in.u8(key);
            case UINT16 -> Short.toUnsignedLong(in.u16(key));
            case INT16 -> (long) in.u16(key);
            case UINT32 -> Integer.toUnsignedLong(in.u32(key));
            case INT32 -> (long) in.u32(key);
            case UINT64, INT64 -> in.u64(key);
            case FLOAT32 -> in.f32(key);
            case FLOAT64 -> in.f64(key);
            case BOOL -> bool(key);
            case STRING -> in.string(key);
            case ARRAY -> array(key, 1);
        };
        return new GGUFValue(type, value);
    }

    private GGUFValueType valueType(String what) throws GGUFFormatException {
        long at = in.position();
        int id = in.u32(what);
        return GGUFValueType.fromId(Integer.toUnsignedLong(id))
                .orElseThrow(
                        () -> in.error(at, "unknown value type " + Integer.toUnsignedString(id) + " (" + what + ")"));
    }

    private boolean bool(String key) throws GGUFFormatException {
        long at = in.position();
        return checkBool(in.u8(key), at, key);
    }

    private boolean checkBool(byte b, long at, String key) throws GGUFFormatException {
        if (b != 0 && b != 1) {
            throw in.error(at, "bool value " + Byte.toUnsignedInt(b) + " of " + key + " is neither 0 nor 1");
        }
        return b == 1;
    }

    private GGUFArray array(String key, int depth) throws GGUFFormatException {
        if (depth > MAX_ARRAY_NESTING) {
            throw in.error("arrays nested deeper than " + MAX_ARRAY_NESTING + " in " + key);
        }
        GGUFValueType type = valueType("array element type of " + key);
        long countAt = in.position();
        long count = in.u64("array length of " + key);
        in.requireRoomFor(countAt, count, type.minBytes(), "array " + key + " element");
        int n = (int) count; // fits: the header is smaller than 2 GiB
        Object elements = switch (type) {
            case UINT8, INT8 -> fixedWidth(key, n, ValueLayout.JAVA_BYTE, new byte[n]);
            case UINT16, INT16 -> fixedWidth(key, n, GGUFCursor.U16, new short[n]);
            case UINT32, INT32 -> fixedWidth(key, n, GGUFCursor.U32, new int[n]);
            case UINT64, INT64 -> fixedWidth(key, n, GGUFCursor.U64, new long[n]);
            case FLOAT32 -> fixedWidth(key, n, GGUFCursor.F32, new float[n]);
            case FLOAT64 -> fixedWidth(key, n, GGUFCursor.F64, new double[n]);
            case BOOL -> {
                long at = in.position();
                byte[] bytes = fixedWidth(key, n, ValueLayout.JAVA_BYTE, new byte[n]);
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) {
                    a[i] = checkBool(bytes[i], at + i, key + "[" + i + "]");
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

    /** Copies {@code n} little-endian elements of {@code layout} into {@code array} in one go. */
    private <A> A fixedWidth(String key, int n, ValueLayout layout, A array) throws GGUFFormatException {
        MemorySegment bytes = in.bytes(n * layout.byteSize(), "array " + key);
        MemorySegment.copy(bytes, layout, 0, array, 0, n);
        return array;
    }

    /** {@code general.alignment}: a uint32 power of two (gguf.cpp reads it with gguf_get_val_u32). */
    private int alignment(GGUFMetadata metadata, Map<String, Long> keyOffsets) throws GGUFFormatException {
        GGUFValue value = metadata.get(ALIGNMENT_KEY).orElse(null);
        if (value == null) {
            return DEFAULT_ALIGNMENT;
        }
        long at = keyOffsets.get(ALIGNMENT_KEY);
        if (value.type() != GGUFValueType.UINT32) {
            throw in.error(at, ALIGNMENT_KEY + " is " + value.type() + ", expected UINT32");
        }
        long alignment = (Long) value.value();
        if (Long.bitCount(alignment) != 1) {
            throw in.error(at, ALIGNMENT_KEY + " = " + alignment + " is not a power of two");
        }
        if (alignment > MAX_ALIGNMENT) {
            throw in.error(
                    at,
                    ALIGNMENT_KEY + " = " + alignment + " is larger than the " + MAX_ALIGNMENT
                            + " this reader supports");
        }
        return (int) alignment;
    }

    private GGUFTensorInfo tensorInfo(long index, int alignment) throws GGUFFormatException {
        String name = in.string("name of tensor #" + index, MAX_TENSOR_NAME_BYTES);
        long dimsAt = in.position();
        int rank = in.u32("dimension count of tensor " + name);
        if (rank < 1 || rank > MAX_DIMS) {
            throw in.error(
                    dimsAt,
                    "tensor " + name + " has " + Integer.toUnsignedString(rank)
                            + " dimensions; this reader accepts 1 to " + MAX_DIMS);
        }
        long[] shape = new long[rank];
        long elements = 1;
        for (int d = 0; d < rank; d++) {
            long dimAt = in.position();
            shape[d] = in.u64("dimension " + d + " of tensor " + name);
            if (shape[d] <= 0) {
                throw in.error(
                        dimAt,
                        "tensor " + name + " has dimension " + d + " = " + Long.toUnsignedString(shape[d])
                                + "; dimensions must be 1 to " + Long.MAX_VALUE);
            }
            if (elements > Long.MAX_VALUE / shape[d]) {
                throw in.error(
                        dimAt,
                        "tensor " + name + " shape " + Arrays.toString(Arrays.copyOf(shape, d + 1))
                                + "... has more than " + Long.MAX_VALUE + " elements");
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
            throw in.error(
                    typeAt,
                    "tensor " + name + " of " + elements + " " + type + " weights takes more than " + Long.MAX_VALUE
                            + " bytes");
        }
        return new GGUFTensorInfo(name, type, shape, offset, byteSize);
    }

    /** Every tensor's data must lie within the file and no two may overlap. */
    private void checkTensorData(List<GGUFTensorInfo> tensors, long dataOffset) throws GGUFFormatException {
        long dataSize = Math.max(in.size() - dataOffset, 0);
        var byOffset = new ArrayList<>(tensors);
        byOffset.sort(Comparator.comparingLong(GGUFTensorInfo::offset));
        GGUFTensorInfo previous = null;
        for (GGUFTensorInfo t : byOffset) {
            if (t.offset() > dataSize || t.byteSize() > dataSize - t.offset()) {
                long at = t.offset() < dataSize ? dataOffset + t.offset() : in.size();
                throw in.error(
                        at,
                        "truncated file: data of tensor " + t.name() + " (" + t.byteSize() + " bytes at data offset "
                                + t.offset() + ") extends past the end of the file (its data section holds "
                                + dataSize + " bytes from byte " + dataOffset + ")");
            }
            if (previous != null && t.offset() < previous.offset() + previous.byteSize()) {
                throw in.error(
                        dataOffset + t.offset(),
                        "data of tensor " + t.name() + " overlaps tensor "
                                + previous.name() + " (" + previous.byteSize() + " bytes at data offset "
                                + previous.offset() + ")");
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
