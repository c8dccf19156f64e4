package dev.med42.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.med42.quant.GGMLType;
import dev.med42.testing.TestData;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The test writer against the reader: what one writes the other reads back, bit for bit. */
class GGUFWriterTest {
    @TempDir
    Path dir;

    /** Metadata of every value type, with the edge values of each. */
    static GGUFWriter everyValueType() {
        GGUFArray inner = GGUFArray.of(GGUFValueType.INT16, new short[] {-1, 2});
        GGUFArray empty = GGUFArray.of(GGUFValueType.STRING, new String[0]);
        return new GGUFWriter()
                .put("u8", new GGUFValue(GGUFValueType.UINT8, 255L))
                .put("i8", new GGUFValue(GGUFValueType.INT8, -128L))
                .put("u16", new GGUFValue(GGUFValueType.UINT16, 65535L))
                .put("i16", new GGUFValue(GGUFValueType.INT16, -32768L))
                .putUInt32("u32", 0xffffffffL)
                .putInt32("i32", Integer.MIN_VALUE)
                .putUInt64("u64", -1L)
                .put("i64", new GGUFValue(GGUFValueType.INT64, Long.MIN_VALUE))
                .putFloat32("f32", Float.intBitsToFloat(0x7fc00001)) // a NaN with a payload
                .put("f64", new GGUFValue(GGUFValueType.FLOAT64, -0.0))
                .putBool("bool.false", false)
                .putBool("bool.true", true)
                .putString("string", "Ünïcode ✓ 🩺\n\t\"quoted\"")
                .putString("string.empty", "")
                .putArray("array.u8", GGUFValueType.UINT8, new byte[] {0, (byte) 0xff})
                .putArray("array.i8", GGUFValueType.INT8, new byte[] {-128, 127})
                .putArray("array.u16", GGUFValueType.UINT16, new short[] {(short) 0xffff})
                .putArray("array.i16", GGUFValueType.INT16, new short[] {Short.MIN_VALUE})
                .putArray("array.u32", GGUFValueType.UINT32, new int[] {-1, 7})
                .putArray("array.i32", GGUFValueType.INT32, new int[] {Integer.MIN_VALUE})
                .putArray("array.u64", GGUFValueType.UINT64, new long[] {-1L})
                .putArray("array.i64", GGUFValueType.INT64, new long[] {Long.MIN_VALUE, 0})
                .putArray("array.f32", GGUFValueType.FLOAT32, new float[] {1.5f, Float.NEGATIVE_INFINITY})
                .putArray("array.f64", GGUFValueType.FLOAT64, new double[] {Math.PI})
                .putArray("array.bool", GGUFValueType.BOOL, new boolean[] {true, false, true})
                .putArray("array.string", GGUFValueType.STRING, new String[] {"", "a", "<0x0A>"})
                .putArray("array.empty", GGUFValueType.UINT32, new int[0])
                .putArray("array.nested", GGUFValueType.ARRAY, new GGUFArray[] {inner, empty});
    }

    @Test
    void every_value_type_reads_back_exactly() throws IOException {
        GGUFWriter writer = everyValueType();
        Path path = dir.resolve("values.gguf");
        writer.write(path);
        try (GGUFFile file = GGUFFile.open(path)) {
            GGUFMetadata m = file.metadata();
            assertThat(m.asMap()).containsExactlyEntriesOf(writer.metadata());
            assertThat(m.getInteger("u8")).hasValue(255);
            assertThat(m.getInteger("i8")).hasValue(-128);
            assertThat(m.getInteger("u32")).hasValue(0xffffffffL);
            assertThatThrownBy(() -> m.getInteger("u64")).hasMessageContaining("18446744073709551615");
            assertThat(Float.floatToRawIntBits(
                            (Float) m.get("f32").orElseThrow().value()))
                    .isEqualTo(0x7fc00001);
            assertThat(m.getString("string")).hasValue("Ünïcode ✓ 🩺\n\t\"quoted\"");
            assertThat(m.getString("string.empty")).hasValue("");
            assertThat(m.getArray("array.u8").orElseThrow().longs()).containsExactly(0, 255);
            assertThat(m.getArray("array.i8").orElseThrow().longs()).containsExactly(-128, 127);
            assertThat(m.getArray("array.u16").orElseThrow().ints()).containsExactly(65535);
            assertThat(m.getArray("array.u32").orElseThrow().longs()).containsExactly(0xffffffffL, 7);
            assertThat(m.getArray("array.string").orElseThrow().strings()).containsExactly("", "a", "<0x0A>");
            assertThat(m.getArray("array.nested").orElseThrow().arrays()[0].longs())
                    .containsExactly(-1, 2);
            assertThat(file.tensors()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"stories260K.gguf", "synthetic/tiny-Q4_K_M.gguf", "tokenizer/ggml-vocab-llama-spm.gguf"})
    void rewriting_a_reference_file_gives_the_same_bytes(String name) throws IOException {
        Path original = TestData.file(name);
        Path copy = dir.resolve("copy.gguf");
        try (GGUFFile file = GGUFFile.open(original)) {
            GGUFWriter.copyOf(file).write(copy);
        }
        assertThat(Files.mismatch(original, copy)).isEqualTo(-1);
    }

    @ParameterizedTest
    @EnumSource(GGMLType.class)
    void tensors_of_every_ggml_type_read_back(GGMLType type) throws IOException {
        long[] shape = {type.blockSize() * 2L, 3};
        byte[] data = new byte[(int) type.byteSize(shape[0] * shape[1])];
        new Random(type.id()).nextBytes(data);
        var writer = new GGUFWriter()
                .putString("general.architecture", "llama")
                .addTensor("a", GGMLType.F32, new long[] {1}, new byte[4])
                .addTensor("t", type, shape, data);
        try (GGUFFile file = openBytes(writer.toBytes())) {
            GGUFTensorInfo t = file.tensor("t").orElseThrow();
            assertThat(t.type()).isEqualTo(type);
            assertThat(t.shape()).containsExactly(shape);
            assertThat(t.offset()).isEqualTo(32);
            assertThat(file.tensorData(t).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(data);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 8, 64, 4096})
    void pads_the_data_to_the_alignment(int alignment) throws IOException {
        var writer = new GGUFWriter()
                .alignment(alignment)
                .addTensor("a", GGMLType.F32, new long[] {3}, new byte[12])
                .addTensor("b", GGMLType.Q8_0, new long[] {32}, new byte[34]);
        byte[] bytes = writer.toBytes();
        GGUFWriter.Layout layout = writer.layout();
        assertThat(layout.dataOffset() % alignment).isZero();
        assertThat(layout.size()).isEqualTo(bytes.length).matches(size -> size % alignment == 0);
        try (GGUFFile file = openBytes(bytes)) {
            assertThat(file.alignment()).isEqualTo(alignment);
            assertThat(file.dataOffset()).isEqualTo(layout.dataOffset());
            assertThat(file.tensor("b").orElseThrow().offset()).isEqualTo(GGUFReader.alignUp(12, alignment));
        }
    }

    @Test
    void writes_version_2_which_reads_like_version_3() throws IOException {
        try (GGUFFile file = openBytes(everyValueType().version(2).toBytes())) {
            assertThat(file.version()).isEqualTo(2);
            assertThat(file.metadata().asMap())
                    .containsExactlyEntriesOf(everyValueType().metadata());
        }
    }

    @Test
    void fills_tensor_data_in_place_at_write_time() throws IOException {
        Path path = dir.resolve("filled.gguf");
        new GGUFWriter()
                .addTensor("w", GGMLType.F32, new long[] {256, 4}, data -> {
                    for (long i = 0; i < data.byteSize() / 4; i++) {
                        data.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i, i);
                    }
                })
                .write(path);
        try (GGUFFile file = GGUFFile.open(path)) {
            MemorySegment data = file.tensorData(file.tensor("w").orElseThrow());
            assertThat(data.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 1023))
                    .isEqualTo(1023f);
        }
    }

    @Test
    void layout_points_at_each_field() {
        var writer = new GGUFWriter().putUInt32("k", 7).addTensor("x", GGMLType.Q4_0, new long[] {32, 2}, new byte[36]);
        ByteBuffer bytes = ByteBuffer.wrap(writer.toBytes()).order(ByteOrder.LITTLE_ENDIAN);
        GGUFWriter.Layout layout = writer.layout();
        GGUFWriter.TensorLayout x = layout.tensor("x");
        assertThat(bytes.getInt((int) GGUFWriter.VERSION_AT)).isEqualTo(3);
        assertThat(bytes.getLong((int) GGUFWriter.TENSOR_COUNT_AT)).isEqualTo(1);
        assertThat(bytes.getLong((int) GGUFWriter.KV_COUNT_AT)).isEqualTo(1);
        assertThat(bytes.getLong(layout.keys().get("k").intValue())).isEqualTo(1); // key length
        assertThat(bytes.getInt(layout.values().get("k").intValue())).isEqualTo(GGUFValueType.UINT32.id());
        assertThat(bytes.getLong((int) x.infoAt())).isEqualTo(1); // name length
        assertThat(bytes.getInt((int) x.rankAt())).isEqualTo(2);
        assertThat(bytes.getLong((int) x.dimsAt())).isEqualTo(32);
        assertThat(bytes.getInt((int) x.typeAt())).isEqualTo(GGMLType.Q4_0.id());
        assertThat(bytes.getLong((int) x.offsetAt())).isZero();
        assertThat(x.dataAt()).isEqualTo(layout.dataOffset());
    }

    @Test
    void refuses_to_write_an_invalid_file() {
        var writer = new GGUFWriter().addTensor("x", GGMLType.F32, new long[] {4}, new byte[16]);
        assertThatThrownBy(() -> writer.addTensor("x", GGMLType.F32, new long[] {4}, new byte[16]))
                .hasMessageContaining("duplicate");
        assertThatThrownBy(() -> writer.addTensor("y", GGMLType.F32, new long[] {4}, new byte[15]))
                .hasMessageContaining("16 bytes");
        assertThatThrownBy(() -> writer.addTensor("z", GGMLType.Q4_0, new long[] {16}, new byte[9]))
                .hasMessageContaining("block size");
        assertThatThrownBy(() -> writer.addTensor("z", GGMLType.F32, new long[] {1, 0}, new byte[0]))
                .hasMessageContaining("bad shape");
        assertThatThrownBy(() -> writer.addTensor("z", GGMLType.F32, new long[] {1, 1, 1, 1, 1}, new byte[4]))
                .hasMessageContaining("bad shape");
        assertThatThrownBy(() -> writer.addTensor("n".repeat(64), GGMLType.F32, new long[] {1}, new byte[4]))
                .hasMessageContaining("too long");
        assertThatThrownBy(() -> writer.alignment(48)).hasMessageContaining("power of two");
        assertThatThrownBy(() -> writer.put("", new GGUFValue(GGUFValueType.BOOL, true)))
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> new GGUFValue(GGUFValueType.UINT8, 256L)).hasMessageContaining("UINT8");
        assertThatThrownBy(() -> GGUFArray.of(GGUFValueType.UINT32, new long[1]))
                .hasMessageContaining("int[]");
    }

    /** Opens bytes the way a test needs them: written to a temporary file. */
    static GGUFFile openBytes(byte[] bytes) throws IOException {
        Path path = Files.createTempFile("gguf-writer-test", ".gguf");
        try {
            Files.write(path, bytes);
            return GGUFFile.open(path);
        } finally {
            // The mapping stays valid after the name is gone (POSIX).
            Files.delete(path);
        }
    }
}
