package dev.med42.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.med42.quant.GGMLType;
import dev.med42.testing.TestData;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Broken and hostile files, each made from a good one by the test writer and a patch of the bytes at the
 * offsets its layout reports. Every one must fail with a {@link GGUFFormatException} naming the file, the
 * offset of the bad field and the problem; nothing else may come out of {@link GGUFFile#open}: no
 * OutOfMemoryError, no hang, no IndexOutOfBoundsException.
 */
class GGUFHostileFileTest {
    @TempDir
    Path dir;

    private final GGUFWriter writer = new GGUFWriter()
            .putString("general.architecture", "llama")
            .putString("general.name", "med42-hostile")
            .putUInt32("llama.context_length", 4096)
            .putBool("tokenizer.ggml.add_bos_token", true)
            .putArray("tokenizer.ggml.tokens", GGUFValueType.STRING, new String[] {"<unk>", "<s>", "</s>"})
            .putArray("tokenizer.ggml.scores", GGUFValueType.FLOAT32, new float[] {0, 0, 0})
            .putArray("flags", GGUFValueType.BOOL, new boolean[] {false, true})
            .putArray("nested", GGUFValueType.ARRAY, new GGUFArray[] {
                GGUFArray.of(GGUFValueType.UINT8, new byte[] {1, 2})
            })
            .addTensor("a", GGMLType.F32, new long[] {8}, new byte[32])
            .addTensor("b", GGMLType.Q8_0, new long[] {32, 2}, new byte[68])
            .addTensor("c", GGMLType.F32, new long[] {4, 4}, new byte[64]);
    private final byte[] good = writer.toBytes();
    private final GGUFWriter.Layout layout = writer.layout();

    @Test
    void the_unpatched_file_is_good() throws IOException {
        try (GGUFFile file = GGUFFile.open(write(good))) {
            assertThat(file.tensors()).hasSize(3);
            assertThat(file.metadata().size()).isEqualTo(8);
        }
    }

    @Test
    void rejects_bad_magic() {
        byte[] bytes = good.clone();
        bytes[0] = 'g';
        assertRejected(bytes, 0, "bad magic 67 47 55 46: not a GGUF file");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 4, 0x10000})
    void rejects_an_unsupported_version(int version) {
        assertRejected(u32(good, GGUFWriter.VERSION_AT, version), 4, "unsupported GGUF version " + version);
    }

    @Test
    void rejects_version_1_which_llama_cpp_dropped() {
        assertRejected(u32(good, GGUFWriter.VERSION_AT, 1), 4, "GGUF version 1 is no longer supported");
    }

    @Test
    void rejects_a_big_endian_file_by_name() {
        assertRejected(u32(good, GGUFWriter.VERSION_AT, 0x03000000), 4, "a big-endian GGUF file");
    }

    @Test
    void rejects_an_empty_file() {
        assertRejected(new byte[0], 0, "empty file");
    }

    @Test
    void rejects_a_truncated_header() {
        assertRejected(Arrays.copyOf(good, 20), 16, "truncated file: metadata count needs 8 bytes, only 4 left");
        assertRejected(Arrays.copyOf(good, 3), 0, "truncated file: magic needs 4 bytes, only 3 left");
    }

    @Test
    void rejects_truncated_metadata() {
        long scores = layout.keys().get("tokenizer.ggml.scores");
        long lastToken = scores - 8 - "</s>".length();
        assertRejected(
                Arrays.copyOf(good, (int) scores - 2),
                lastToken,
                "tokenizer.ggml.tokens[2] length 4 does not fit in the 2 bytes left in the file");
        long nested = layout.values().get("nested");
        assertRejected(
                Arrays.copyOf(good, (int) nested + 24),
                nested + 8,
                "array nested element count 1 cannot fit in the 8 bytes left in the file");
        long count = layout.values().get("tokenizer.ggml.tokens") + 8;
        assertRejected(
                Arrays.copyOf(good, (int) count),
                count,
                "truncated file: array length of tokenizer.ggml.tokens needs 8 bytes, only 0 left in the file");
        assertRejected(Arrays.copyOf(good, 100), GGUFWriter.KV_COUNT_AT, "metadata count 8 cannot fit in the 76 bytes");
    }

    @Test
    void rejects_a_truncated_tensor_table() {
        long typeAt = layout.tensor("c").typeAt();
        assertRejected(Arrays.copyOf(good, (int) typeAt + 2), typeAt, "truncated file: type of tensor c needs 4 bytes");
        long b = layout.tensor("b").infoAt();
        assertRejected(Arrays.copyOf(good, (int) b), GGUFWriter.TENSOR_COUNT_AT, "tensor count 3 cannot fit");
    }

    @Test
    void rejects_truncated_tensor_data() {
        long c = layout.tensor("c").dataAt();
        assertRejected(
                Arrays.copyOf(good, (int) c + 10),
                c,
                "truncated file: data of tensor c (64 bytes at data offset 128) extends past the end of the file");
    }

    @Test
    void rejects_counts_that_cannot_fit_the_file() {
        assertRejected(u64(good, GGUFWriter.TENSOR_COUNT_AT, 1L << 40), 8, "tensor count 1099511627776 cannot fit");
        assertRejected(u64(good, GGUFWriter.KV_COUNT_AT, -1), 16, "metadata count 18446744073709551615 cannot fit");
        long tokens = layout.values().get("tokenizer.ggml.tokens");
        assertRejected(
                u64(good, tokens + 8, 1L << 33),
                tokens + 8,
                "array tokenizer.ggml.tokens element count 8589934592 cannot fit");
        long scores = layout.values().get("tokenizer.ggml.scores");
        assertRejected(u64(good, scores + 8, good.length / 4), scores + 8, "cannot fit");
    }

    @Test
    void rejects_string_lengths_that_cannot_fit_the_file() {
        long key = layout.keys().get("general.name");
        assertRejected(u64(good, key, Long.MAX_VALUE), key, "metadata key #1 length 9223372036854775807 does not fit");
        assertRejected(u64(good, key, -1), key, "length 18446744073709551615 does not fit");
        long value = layout.values().get("general.name") + 4;
        assertRejected(u64(good, value, good.length), value, "general.name length " + good.length + " does not fit");
        long name = layout.tensor("b").infoAt();
        assertRejected(u64(good, name, 1L << 50), name, "name of tensor #1 length 1125899906842624 does not fit");
    }

    @ParameterizedTest
    @ValueSource(longs = {GGUFWriter.TENSOR_COUNT_AT, GGUFWriter.KV_COUNT_AT})
    void rejects_a_count_that_fits_a_huge_file_but_not_the_header_limit_before_allocating(long countAt)
            throws IOException {
        Path path = dir.resolve("sparse.gguf");
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            file.setLength(3L << 30); // sparse: no disk used, reads as zeros
            file.write(Arrays.copyOf(good, 8));
        }
        patch(path, countAt, u64(1L << 26));
        GGUFFormatException e = open(path);
        assertThat(e.offset()).isEqualTo(countAt);
        assertThat(e)
                .hasMessageContaining(" count 67108864 cannot fit in the 268435432 bytes left before the limit "
                        + "of 268435456 bytes");
    }

    @Test
    void rejects_tensor_data_outside_the_file() {
        long offsetAt = layout.tensor("c").offsetAt();
        assertRejected(
                u64(good, offsetAt, 1L << 20),
                good.length,
                "data of tensor c (64 bytes at data offset 1048576) extends past the end of the file");
        assertRejected(u64(good, offsetAt, Long.MAX_VALUE - 31), good.length, "extends past the end of the file");
    }

    @Test
    void rejects_overlapping_tensors() {
        long bData = layout.tensor("b").dataAt();
        assertRejected(
                u64(good, layout.tensor("c").offsetAt(), 32),
                bData,
                "data of tensor c overlaps tensor b (68 bytes at data offset 32)");
    }

    @Test
    void rejects_a_misaligned_offset() {
        long offsetAt = layout.tensor("c").offsetAt();
        assertRejected(
                u64(good, offsetAt, 129), offsetAt, "tensor c data offset 129 is not a multiple of the alignment 32");
        assertRejected(u64(good, offsetAt, -32), offsetAt, "data offset 18446744073709551584");
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 48, 1L << 31})
    void rejects_a_bad_alignment(long alignment) {
        var bad = new GGUFWriter()
                .putUInt32(GGUFReader.ALIGNMENT_KEY, alignment)
                .addTensor("a", GGMLType.F32, new long[] {8}, new byte[32]);
        long at = bad.layout().keys().get(GGUFReader.ALIGNMENT_KEY);
        assertRejected(bad.toBytes(), at, "general.alignment = " + alignment);
    }

    @Test
    void rejects_an_alignment_that_is_not_a_uint32() {
        // gguf.cpp reads it with gguf_get_val_u32, which aborts on any other type; gguf-py refuses it too.
        var bad = new GGUFWriter()
                .putUInt64(GGUFReader.ALIGNMENT_KEY, 64)
                .addTensor("a", GGMLType.F32, new long[] {8}, new byte[32]);
        long at = bad.layout().keys().get(GGUFReader.ALIGNMENT_KEY);
        assertRejected(bad.toBytes(), at, "general.alignment is UINT64, expected UINT32");
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 5, 31, 36, 39, 1000, -1})
    void rejects_an_unknown_ggml_type(int id) {
        long typeAt = layout.tensor("b").typeAt();
        assertRejected(u32(good, typeAt, id), typeAt, "tensor b has unknown ggml type " + Integer.toUnsignedString(id));
    }

    @Test
    void rejects_an_unknown_value_type() {
        long at = layout.values().get("llama.context_length");
        assertRejected(u32(good, at, 13), at, "unknown value type 13 (type of llama.context_length)");
        long element = layout.values().get("tokenizer.ggml.scores") + 4;
        assertRejected(
                u32(good, element, -1),
                element,
                "unknown value type 4294967295 (array element type of tokenizer.ggml.scores)");
    }

    @Test
    void rejects_a_duplicate_key() {
        var twice = new GGUFWriter().putUInt32("k.a", 1).putUInt32("k.b", 2);
        long second = twice.layout().keys().get("k.b");
        byte[] bytes = twice.toBytes();
        bytes[(int) second + 8 + 2] = 'a';
        assertRejected(bytes, second, "duplicate metadata key k.a");
    }

    @Test
    void rejects_an_empty_key() {
        long key = layout.keys().get("general.name");
        assertRejected(u64(good, key, 0), key, "metadata key #1 is empty");
    }

    @Test
    void rejects_a_key_longer_than_the_spec_allows() {
        var big = new GGUFWriter().putUInt32("k", 1).addTensor("w", GGMLType.F32, new long[] {20000}, new byte[80000]);
        long key = big.layout().keys().get("k");
        assertRejected(u64(big.toBytes(), key, 65536), key, "metadata key #0 is 65536 bytes long, more than the 65535");
    }

    @Test
    void rejects_a_duplicate_tensor_name() {
        long c = layout.tensor("c").infoAt();
        byte[] bytes = good.clone();
        bytes[(int) c + 8] = 'b';
        assertRejected(bytes, c, "duplicate tensor name b");
    }

    @Test
    void rejects_a_tensor_name_longer_than_ggml_allows() {
        String name = "n".repeat(GGUFReader.MAX_TENSOR_NAME_BYTES);
        var longName = new GGUFWriter().addTensor(name, GGMLType.F32, new long[] {1}, new byte[4]);
        long at = longName.layout().tensor(name).infoAt();
        assertRejected(u64(longName.toBytes(), at, 64), at, "name of tensor #0 is 64 bytes long, more than the 63");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 5, -1})
    void rejects_a_dimension_count_other_than_1_to_4(int rank) {
        long rankAt = layout.tensor("b").rankAt();
        assertRejected(
                u32(good, rankAt, rank),
                rankAt,
                "tensor b has " + Integer.toUnsignedString(rank) + " dimensions; this reader accepts 1 to 4");
    }

    @Test
    void rejects_a_zero_dimension() {
        long second = layout.tensor("c").dimsAt() + 8;
        assertRejected(u64(good, second, 0), second, "tensor c has dimension 1 = 0");
    }

    @Test
    void rejects_a_negative_dimension() {
        long first = layout.tensor("c").dimsAt();
        assertRejected(u64(good, first, 1L << 63), first, "tensor c has dimension 0 = 9223372036854775808");
    }

    @Test
    void rejects_a_shape_whose_element_count_overflows() {
        long dims = layout.tensor("c").dimsAt();
        byte[] bytes = u64(u64(good, dims, 1L << 32), dims + 8, 1L << 31);
        assertRejected(bytes, dims + 8, "tensor c shape [4294967296, 2147483648]... has more than");
    }

    @Test
    void rejects_a_shape_whose_byte_size_overflows() {
        long dims = layout.tensor("c").dimsAt();
        byte[] bytes = u64(u64(good, dims, 1L << 31), dims + 8, 1L << 31);
        assertRejected(bytes, layout.tensor("c").typeAt(), "tensor c of 4611686018427387904 F32 weights takes more");
    }

    @Test
    void rejects_a_row_length_that_is_not_a_whole_number_of_blocks() {
        assertRejected(
                u64(good, layout.tensor("b").dimsAt(), 16),
                layout.tensor("b").typeAt(),
                "tensor b row length 16 is not a multiple of the Q8_0 block size 32");
    }

    @Test
    void rejects_arrays_nested_too_deep_but_reads_the_deepest_allowed() throws IOException {
        assertRejected(nested(GGUFReader.MAX_ARRAY_NESTING + 1).toBytes(), -1, "arrays nested deeper than 8 in deep");
        try (GGUFFile file =
                GGUFFile.open(write(nested(GGUFReader.MAX_ARRAY_NESTING).toBytes()))) {
            assertThat(file.metadata().getArray("deep")).isPresent();
        }
    }

    /** An array of an array of … {@code depth} levels deep. */
    private static GGUFWriter nested(int depth) {
        GGUFArray array = GGUFArray.of(GGUFValueType.UINT32, new int[] {42});
        for (int level = 1; level < depth; level++) {
            array = GGUFArray.of(GGUFValueType.ARRAY, new GGUFArray[] {array});
        }
        return new GGUFWriter().put("deep", new GGUFValue(GGUFValueType.ARRAY, array));
    }

    @Test
    void rejects_a_bool_that_is_neither_0_nor_1() {
        long value = layout.values().get("tokenizer.ggml.add_bos_token") + 4;
        byte[] bytes = good.clone();
        bytes[(int) value] = 2;
        assertRejected(bytes, value, "bool value 2 of tokenizer.ggml.add_bos_token is neither 0 nor 1");
        long element = layout.values().get("flags") + 4 + 4 + 8 + 1;
        bytes = good.clone();
        bytes[(int) element] = (byte) 0xff;
        assertRejected(bytes, element, "bool value 255 of flags[1] is neither 0 nor 1");
    }

    @Test
    void accepts_empty_strings_empty_arrays_and_a_63_byte_tensor_name() throws IOException {
        String name = "n".repeat(63);
        var edge = new GGUFWriter()
                .putString("empty", "")
                .putArray("none", GGUFValueType.STRING, new String[0])
                .putArray("blank", GGUFValueType.STRING, new String[] {""})
                .addTensor(name, GGMLType.F32, new long[] {1, 1, 1, 1}, new byte[4]);
        try (GGUFFile file = GGUFFile.open(write(edge.toBytes()))) {
            assertThat(file.metadata().getString("empty")).hasValue("");
            assertThat(file.metadata().getArray("none").orElseThrow().size()).isZero();
            assertThat(file.tensor(name).orElseThrow().shape()).containsExactly(1, 1, 1, 1);
        }
    }

    @Test
    void truncating_a_real_file_anywhere_gives_a_format_error_or_a_complete_file() throws IOException {
        Path path = write(Files.readAllBytes(TestData.file("stories260K.gguf")));
        long size = Files.size(path);
        long dataOffset;
        try (GGUFFile file = GGUFFile.open(path)) {
            dataOffset = file.dataOffset();
        }
        // Longest first, so one file can be cut shorter and shorter.
        var cuts = new java.util.TreeSet<Long>(java.util.Comparator.reverseOrder());
        for (long at = 0; at < dataOffset + 64; at += at < 512 ? 1 : 13) {
            cuts.add(at);
        }
        for (long at = dataOffset; at < size; at += 4093) {
            cuts.add(at);
        }
        for (long k = 1; k <= 64; k++) {
            cuts.add(size - k);
        }
        int rejected = 0;
        for (long cut : cuts) {
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
                channel.truncate(cut);
            }
            rejected += openOrReject(path, "cut at " + cut) ? 0 : 1;
        }
        assertThat(rejected).isGreaterThan(cuts.size() * 9 / 10);
    }

    @Test
    void flipping_any_header_byte_gives_a_format_error_or_a_readable_file() throws IOException {
        byte[] original = Files.readAllBytes(TestData.file("stories260K.gguf"));
        Path path = write(original);
        long dataOffset;
        try (GGUFFile file = GGUFFile.open(path)) {
            dataOffset = file.dataOffset();
        }
        var random = new Random(42);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
            for (int i = 0; i < dataOffset + 3000; i++) {
                // Every header byte inverted, then random values at random places, some in the data.
                int at = i < dataOffset ? i : random.nextInt((int) dataOffset + 64);
                byte value = i < dataOffset ? (byte) ~original[at] : (byte) random.nextInt(256);
                channel.write(ByteBuffer.wrap(new byte[] {value}), at);
                openOrReject(path, "byte " + at + " set to " + (value & 0xff));
                channel.write(ByteBuffer.wrap(new byte[] {original[at]}), at);
            }
        }
    }

    /** Opens and reads every tensor (true), or fails with a precise format error (false); nothing else. */
    private static boolean openOrReject(Path path, String what) {
        try (GGUFFile file = GGUFFile.open(path)) {
            for (GGUFTensorInfo t : file.tensors()) {
                MemorySegment data = file.tensorData(t);
                data.get(ValueLayout.JAVA_BYTE, 0);
                data.get(ValueLayout.JAVA_BYTE, data.byteSize() - 1);
            }
            return true;
        } catch (GGUFFormatException e) {
            assertThat(e.file()).as(what).isEqualTo(path);
            assertThat(e.offset()).as(what).isBetween(0L, path.toFile().length());
            assertThat(e.getMessage()).as(what).startsWith(path + ": at byte " + e.offset() + ": ");
            return false;
        } catch (Throwable e) {
            return fail(what + ": " + e, e);
        }
    }

    private GGUFFormatException open(Path path) {
        try (GGUFFile file = GGUFFile.open(path)) {
            return fail("opened " + file);
        } catch (GGUFFormatException e) {
            return e;
        } catch (IOException e) {
            return fail("not a format error", e);
        }
    }

    /** The bytes must be rejected at {@code offset} (-1: any) with a message containing {@code problem}. */
    private void assertRejected(byte[] bytes, long offset, String problem) {
        Path path;
        try {
            path = write(bytes);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        GGUFFormatException e = open(path);
        assertThat(e.file()).isEqualTo(path);
        assertThat(e.getMessage()).startsWith(path + ": at byte ").contains(problem);
        if (offset >= 0) {
            assertThat(e.offset()).as(e.getMessage()).isEqualTo(offset);
        }
    }

    private Path write(byte[] bytes) throws IOException {
        Path path = Files.createTempFile(dir, "hostile", ".gguf");
        Files.write(path, bytes);
        return path;
    }

    private static void patch(Path path, long at, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(bytes), at);
        }
    }

    private static byte[] u64(long value) {
        return ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(value)
                .array();
    }

    private static byte[] u64(byte[] bytes, long at, long value) {
        byte[] copy = bytes.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putLong((int) at, value);
        return copy;
    }

    private static byte[] u32(byte[] bytes, long at, int value) {
        byte[] copy = bytes.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt((int) at, value);
        return copy;
    }
}
