package dev.med42.gguf;

import dev.med42.quant.GGMLType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SequencedMap;
import java.util.function.Consumer;

/**
 * Writes little-endian GGUF files laid out the way ggml and gguf-py write them: header, metadata, tensor
 * infos, zero padding to the alignment, then each tensor's data in order, each padded to the alignment. A
 * file without tensors ends after its tensor table, unpadded, as gguf-py writes it.
 *
 * <pre>{@code
 * new GGUFWriter()
 *         .putString("general.architecture", "llama")
 *         .putUInt32("llama.block_count", 80)
 *         .putArray("tokenizer.ggml.scores", GGUFValueType.FLOAT32, scores)
 *         .addTensor("blk.0.attn_q.weight", GGMLType.Q4_K, new long[] {8192, 8192}, data -> fillRandom(data))
 *         .write(path);
 * }</pre>
 *
 * <p>Only valid files come out: keys and tensor names are unique, shapes have 1 to 4 dimensions of at least
 * 1 and whole blocks per row. The data is padded to {@code general.alignment} when that is a valid one (a
 * UINT32 power of two) and to 32 otherwise, so a file with a bad alignment value can be written too. Tests make broken files by patching
 * the bytes at the offsets {@link #layout()} reports. Tensor data is produced at write time by a filler that
 * receives the tensor's bytes (zeroed), so a model of any size can be written without holding it in memory.
 */
public final class GGUFWriter {
    /** Offsets of the header fields. */
    public static final long VERSION_AT = 4, TENSOR_COUNT_AT = 8, KV_COUNT_AT = 16;

    private int version = 3;
    private final SequencedMap<String, GGUFValue> metadata = new LinkedHashMap<>();
    private final SequencedMap<String, Tensor> tensors = new LinkedHashMap<>();

    private record Tensor(String name, GGMLType type, long[] shape, long byteSize, Consumer<MemorySegment> fill) {}

    /**
     * Where things are in the written file. {@code keys} holds the offset of each metadata key (its string
     * length), {@code values} the offset of each value's type field; sizes include the final padding.
     */
    public record Layout(
            long dataOffset,
            long size,
            Map<String, Long> keys,
            Map<String, Long> values,
            Map<String, TensorLayout> tensors) {
        public TensorLayout tensor(String name) {
            return Objects.requireNonNull(tensors.get(name), name);
        }
    }

    /**
     * Where one tensor is: its info (the name's length field), its dimension count, its first dimension, its
     * type, its offset field, and its data (absolute).
     */
    public record TensorLayout(long infoAt, long rankAt, long dimsAt, long typeAt, long offsetAt, long dataAt) {}

    /** The GGUF version to write: 3 (default) or 2, which has the same little-endian layout. */
    public GGUFWriter version(int version) {
        this.version = version;
        return this;
    }

    /** Writes {@code general.alignment} and pads to it. */
    public GGUFWriter alignment(int alignment) {
        if (Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment " + alignment + " is not a power of two");
        }
        return putUInt32(GGUFReader.ALIGNMENT_KEY, alignment);
    }

    /** Adds a metadata entry; a key given again keeps its place and takes the new value. */
    public GGUFWriter put(String key, GGUFValue value) {
        if (key.isEmpty()) {
            throw new IllegalArgumentException("empty key");
        }
        metadata.put(key, Objects.requireNonNull(value));
        return this;
    }

    public GGUFWriter putString(String key, String value) {
        return put(key, new GGUFValue(GGUFValueType.STRING, value));
    }

    public GGUFWriter putUInt32(String key, long value) {
        return put(key, new GGUFValue(GGUFValueType.UINT32, value));
    }

    public GGUFWriter putInt32(String key, int value) {
        return put(key, new GGUFValue(GGUFValueType.INT32, (long) value));
    }

    public GGUFWriter putUInt64(String key, long value) {
        return put(key, new GGUFValue(GGUFValueType.UINT64, value));
    }

    public GGUFWriter putFloat32(String key, float value) {
        return put(key, new GGUFValue(GGUFValueType.FLOAT32, value));
    }

    public GGUFWriter putBool(String key, boolean value) {
        return put(key, new GGUFValue(GGUFValueType.BOOL, value));
    }

    /** An array; {@code elements} is the Java array {@link GGUFArray#of} takes for {@code elementType}. */
    public GGUFWriter putArray(String key, GGUFValueType elementType, Object elements) {
        return put(key, new GGUFValue(GGUFValueType.ARRAY, GGUFArray.of(elementType, elements)));
    }

    /** Every entry of {@code metadata}, in its order. */
    public GGUFWriter putAll(GGUFMetadata metadata) {
        metadata.asMap().forEach(this::put);
        return this;
    }

    /** The metadata written so far, in order. */
    public SequencedMap<String, GGUFValue> metadata() {
        return Collections.unmodifiableSequencedMap(metadata);
    }

    public GGUFWriter remove(String key) {
        metadata.remove(key);
        return this;
    }

    /** Adds a tensor whose data is {@code data}, exactly its byte size. */
    public GGUFWriter addTensor(String name, GGMLType type, long[] shape, byte[] data) {
        long byteSize = byteSize(name, type, shape);
        if (data.length != byteSize) {
            throw new IllegalArgumentException("tensor " + name + " takes " + byteSize + " bytes, not " + data.length);
        }
        byte[] copy = data.clone();
        return addTensor(name, type, shape, target -> target.copyFrom(MemorySegment.ofArray(copy)));
    }

    /** Adds a tensor whose data {@code fill} writes at write time into the segment it receives (zeroed). */
    public GGUFWriter addTensor(String name, GGMLType type, long[] shape, Consumer<MemorySegment> fill) {
        long byteSize = byteSize(name, type, shape);
        if (tensors.containsKey(name)) {
            throw new IllegalArgumentException("duplicate tensor " + name);
        }
        tensors.put(name, new Tensor(name, type, shape.clone(), byteSize, Objects.requireNonNull(fill)));
        return this;
    }

    private static long byteSize(String name, GGMLType type, long[] shape) {
        if (name.getBytes(StandardCharsets.UTF_8).length > GGUFReader.MAX_TENSOR_NAME_BYTES) {
            throw new IllegalArgumentException("tensor name " + name + " is too long");
        }
        if (shape.length < 1
                || shape.length > GGUFReader.MAX_DIMS
                || Arrays.stream(shape).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException("bad shape " + Arrays.toString(shape) + " of tensor " + name);
        }
        if (shape[0] % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor " + name + " row length " + shape[0]
                    + " is not a multiple of the " + type + " block size " + type.blockSize());
        }
        return type.byteSize(Arrays.stream(shape).reduce(1, Math::multiplyExact));
    }

    /** A writer holding all of {@code file}'s metadata and tensors; the file must stay open until written. */
    public static GGUFWriter copyOf(GGUFFile file) {
        var writer = new GGUFWriter().version(file.version()).putAll(file.metadata());
        for (GGUFTensorInfo t : file.tensors()) {
            writer.addTensor(t.name(), t.type(), t.shape(), target -> target.copyFrom(file.tensorData(t)));
        }
        return writer;
    }

    public Layout layout() {
        return header().layout;
    }

    public byte[] toBytes() {
        Header header = header();
        byte[] bytes = new byte[Math.toIntExact(header.layout.size())];
        writeTo(header, MemorySegment.ofArray(bytes));
        return bytes;
    }

    /** Writes the file, replacing {@code path}; the data goes through a mapping, never the heap. */
    public void write(Path path) throws IOException {
        Header header = header();
        try (FileChannel channel = FileChannel.open(
                        path,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                Arena arena = Arena.ofConfined()) {
            writeTo(header, channel.map(FileChannel.MapMode.READ_WRITE, 0, header.layout.size(), arena));
        }
    }

    private void writeTo(Header header, MemorySegment file) {
        file.copyFrom(MemorySegment.ofArray(header.bytes));
        for (Tensor t : tensors.values()) {
            t.fill.accept(file.asSlice(header.layout.tensor(t.name).dataAt(), t.byteSize));
        }
    }

    private record Header(byte[] bytes, Layout layout) {}

    private Header header() {
        int alignment = metadata.get(GGUFReader.ALIGNMENT_KEY) instanceof GGUFValue(var type, Long n)
                        && type == GGUFValueType.UINT32
                        && Long.bitCount(n) == 1
                        && n <= GGUFReader.MAX_ALIGNMENT
                ? n.intValue()
                : GGUFReader.DEFAULT_ALIGNMENT;
        var out = new Sink();
        out.u32(GGUFReader.MAGIC);
        out.u32(version);
        out.u64(tensors.size());
        out.u64(metadata.size());
        var keys = new HashMap<String, Long>();
        var values = new HashMap<String, Long>();
        metadata.forEach((key, value) -> {
            keys.put(key, out.position());
            out.string(key);
            values.put(key, out.position());
            out.u32(value.type().id());
            out.value(value);
        });
        var infos = new ArrayList<long[]>();
        long offset = 0;
        for (Tensor t : tensors.values()) {
            long infoAt = out.position();
            out.string(t.name);
            long rankAt = out.position();
            out.u32(t.shape.length);
            Arrays.stream(t.shape).forEach(out::u64);
            long typeAt = out.position();
            out.u32(t.type.id());
            long offsetAt = out.position();
            out.u64(offset);
            infos.add(new long[] {infoAt, rankAt, typeAt, offsetAt, offset});
            offset += GGUFReader.alignUp(t.byteSize, alignment);
        }
        long dataOffset = GGUFReader.alignUp(out.position(), alignment);
        if (!tensors.isEmpty()) {
            out.pad(dataOffset);
        }
        var tensorLayouts = new LinkedHashMap<String, TensorLayout>();
        List<Tensor> list = List.copyOf(tensors.values());
        for (int i = 0; i < list.size(); i++) {
            long[] at = infos.get(i);
            tensorLayouts.put(
                    list.get(i).name, new TensorLayout(at[0], at[1], at[1] + 4, at[2], at[3], dataOffset + at[4]));
        }
        var layout = new Layout(
                dataOffset,
                tensors.isEmpty() ? out.position() : dataOffset + offset,
                Map.copyOf(keys),
                Map.copyOf(values),
                Collections.unmodifiableSequencedMap(tensorLayouts));
        return new Header(out.toByteArray(), layout);
    }

    /** A little-endian byte sink. */
    private static final class Sink {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        long position() {
            return bytes.size();
        }

        byte[] toByteArray() {
            return bytes.toByteArray();
        }

        void pad(long to) {
            while (bytes.size() < to) {
                bytes.write(0);
            }
        }

        void u8(long v) {
            bytes.write((int) v);
        }

        void u16(long v) {
            put(scratch.clear().putShort((short) v));
        }

        void u32(long v) {
            put(scratch.clear().putInt((int) v));
        }

        void u64(long v) {
            put(scratch.clear().putLong(v));
        }

        private void put(ByteBuffer filled) {
            bytes.write(filled.array(), 0, filled.position());
        }

        void string(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            u64(utf8.length);
            bytes.writeBytes(utf8);
        }

        void value(GGUFValue value) {
            switch (value.type()) {
                case ARRAY -> array((GGUFArray) value.value());
                default -> element(value.type(), value.value());
            }
        }

        void element(GGUFValueType type, Object v) {
            switch (type) {
                case UINT8, INT8 -> u8((Long) v);
                case UINT16, INT16 -> u16((Long) v);
                case UINT32, INT32 -> u32((Long) v);
                case UINT64, INT64 -> u64((Long) v);
                case FLOAT32 -> u32(Float.floatToRawIntBits((Float) v));
                case FLOAT64 -> u64(Double.doubleToRawLongBits((Double) v));
                case BOOL -> u8((Boolean) v ? 1 : 0);
                case STRING -> string((String) v);
                case ARRAY -> array((GGUFArray) v);
            }
        }

        void array(GGUFArray array) {
            u32(array.elementType().id());
            u64(array.size());
            for (int i = 0; i < array.size(); i++) {
                element(array.elementType(), array.get(i));
            }
        }
    }
}
