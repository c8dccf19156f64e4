package dev.med42.gguf;

import dev.med42.quant.GGMLType;
import dev.med42.testing.TestData;
import dev.med42.testing.TestTensors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Writes the seed corpus of {@link GGUFFileFuzzTest} into {@code src/test/resources/dev/med42/gguf/
 * GGUFFileFuzzTestInputs/}: a complete Llama model small enough to fuzz (42 KB: stories260K's 512-token vocabulary,
 * one block of width 32 in seven weight types, tied embeddings), the headers of the bundled models, and hand-made bad
 * files. Run from med42-core after {@code ./mvnw test-compile}:
 *
 * <pre>
 * java -cp target/test-classes:target/classes dev.med42.gguf.GGUFFuzzSeeds src/test/resources/dev/med42/gguf/GGUFFileFuzzTestInputs
 * </pre>
 */
public final class GGUFFuzzSeeds {
    private GGUFFuzzSeeds() {}

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args[0]);
        Path plain = Files.createDirectories(root.resolve("plainFile"));
        Path raw = Files.createDirectories(root.resolve("rawParts"));
        Path shards = Files.createDirectories(root.resolve("shards"));

        byte[] tiny = tinyLlama().toBytes();
        Files.write(plain.resolve("tiny-llama"), tiny);
        Files.write(plain.resolve("tiny-llama-v2"), tinyLlama().version(2).toBytes());
        Files.write(
                plain.resolve("tiny-llama-aligned-64"),
                tinyLlama().alignment(64).toBytes());
        Files.write(plain.resolve("stories260K-header"), header(TestData.file("stories260K.gguf")));
        Files.write(plain.resolve("tiny-Q4_K_M-header"), header(TestData.file("synthetic/tiny-Q4_K_M.gguf")));
        Files.write(plain.resolve("empty"), new byte[0]);
        Files.write(plain.resolve("magic-only"), "GGUF".getBytes());
        Files.write(plain.resolve("every-value-type"), everyValueType());
        Files.write(plain.resolve("big-endian"), u32(Arrays.copyOf(tiny, 1024), 4, 0x03000000));
        Files.write(plain.resolve("huge-tensor-count"), u64(Arrays.copyOf(tiny, 1024), 8, Long.MAX_VALUE));
        Files.write(plain.resolve("nested-arrays"), nested(GGUFReader.MAX_ARRAY_NESTING + 1));

        // Cut inside the header, inside the tensor table, and inside a tensor's data; opened by a part or the stem.
        long dataOffset = tinyLlama().layout().dataOffset();
        int[][] cuts = {{7, 4000, 0}, {(int) dataOffset - 3, (int) dataOffset + 1000, 1}, {100, tiny.length - 5, 3}};
        for (int[] cut : cuts) {
            Files.write(
                    raw.resolve("tiny-llama-cut-" + cut[0] + "-" + cut[1]),
                    trailer(tiny, new byte[] {(byte) cut[2]}, le(cut[1]), le(cut[0])));
        }

        // The tiny model as gguf-split writes it: the metadata and the first tensors, then the others.
        byte[][] split = twoShards();
        byte[] both = concat(split[0], split[1]);
        Files.write(shards.resolve("tiny-llama-first"), trailer(both, new byte[] {0}, le(split[0].length)));
        Files.write(shards.resolve("tiny-llama-second"), trailer(both, new byte[] {1}, le(split[0].length)));
    }

    /** A complete Llama-2 model of 42 KB that {@code LlamaModel} loads and runs. */
    public static GGUFWriter tinyLlama() throws IOException {
        var writer = new GGUFWriter()
                .putString("general.architecture", "llama")
                .putString("general.name", "fuzz-tiny")
                .putUInt32("llama.context_length", 64)
                .putUInt32("llama.embedding_length", 32)
                .putUInt32("llama.block_count", 1)
                .putUInt32("llama.feed_forward_length", 64)
                .putUInt32("llama.attention.head_count", 4)
                .putUInt32("llama.attention.head_count_kv", 2)
                .putFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
        try (GGUFFile stories = GGUFFile.open(TestData.file("stories260K.gguf"))) {
            stories.metadata().asMap().forEach((key, value) -> {
                if (key.startsWith("tokenizer.")) {
                    writer.put(key, value);
                }
            });
        }
        tensor(writer, "token_embd.weight", GGMLType.Q8_0, 32, 512);
        tensor(writer, "output_norm.weight", GGMLType.F32, 32, 1);
        tensor(writer, "blk.0.attn_norm.weight", GGMLType.F32, 32, 1);
        tensor(writer, "blk.0.ffn_norm.weight", GGMLType.F32, 32, 1);
        tensor(writer, "blk.0.attn_q.weight", GGMLType.Q4_0, 32, 32);
        tensor(writer, "blk.0.attn_k.weight", GGMLType.Q4_1, 32, 16);
        tensor(writer, "blk.0.attn_v.weight", GGMLType.Q5_0, 32, 16);
        tensor(writer, "blk.0.attn_output.weight", GGMLType.Q5_1, 32, 32);
        tensor(writer, "blk.0.ffn_gate.weight", GGMLType.F16, 32, 64);
        tensor(writer, "blk.0.ffn_up.weight", GGMLType.BF16, 32, 64);
        tensor(writer, "blk.0.ffn_down.weight", GGMLType.Q8_0, 64, 32);
        return writer;
    }

    private static void tensor(GGUFWriter writer, String name, GGMLType type, int columns, int rows) {
        long[] shape = rows == 1 ? new long[] {columns} : new long[] {columns, rows};
        var data = TestTensors.random(type, rows, columns, name.hashCode());
        writer.addTensor(name, type, shape, target -> target.copyFrom(data));
    }

    /** The tiny model in two shards, the first with the metadata and four tensors. */
    private static byte[][] twoShards() throws IOException {
        Path whole = Files.createTempFile("tiny-llama", ".gguf");
        try {
            tinyLlama().write(whole);
            try (GGUFFile file = GGUFFile.open(whole)) {
                var tensors = file.tensors();
                byte[][] shards = new byte[2][];
                for (int i = 0; i < 2; i++) {
                    var writer = new GGUFWriter();
                    if (i == 0) {
                        writer.putAll(file.metadata());
                    }
                    writer.put(GGUFSplit.NO, new GGUFValue(GGUFValueType.UINT16, (long) i))
                            .put(GGUFSplit.COUNT, new GGUFValue(GGUFValueType.UINT16, 2L))
                            .putInt32(GGUFSplit.TENSORS_COUNT, tensors.size());
                    for (GGUFTensorInfo t : i == 0 ? tensors.subList(0, 4) : tensors.subList(4, tensors.size())) {
                        writer.addTensor(t.name(), t.type(), t.shape(), target -> target.copyFrom(file.tensorData(t)));
                    }
                    shards[i] = writer.toBytes();
                }
                return shards;
            }
        } finally {
            Files.delete(whole);
        }
    }

    /** The header of a model: its bytes up to the tensor data. */
    private static byte[] header(Path model) throws IOException {
        try (GGUFFile file = GGUFFile.open(model)) {
            return Arrays.copyOf(Files.readAllBytes(model), (int) file.dataOffset());
        }
    }

    private static byte[] everyValueType() {
        return new GGUFWriter()
                .put("u8", new GGUFValue(GGUFValueType.UINT8, 255L))
                .put("i8", new GGUFValue(GGUFValueType.INT8, -1L))
                .put("u16", new GGUFValue(GGUFValueType.UINT16, 65535L))
                .put("i16", new GGUFValue(GGUFValueType.INT16, -2L))
                .putUInt32("u32", 4096)
                .putInt32("i32", -3)
                .putUInt64("u64", -1L)
                .put("i64", new GGUFValue(GGUFValueType.INT64, Long.MIN_VALUE))
                .putFloat32("f32", Float.NaN)
                .put("f64", new GGUFValue(GGUFValueType.FLOAT64, Double.NEGATIVE_INFINITY))
                .putBool("bool", true)
                .putString("string", "<|prompter|>: \uD83E\uDE7A")
                .putArray("bools", GGUFValueType.BOOL, new boolean[] {true, false})
                .putArray("strings", GGUFValueType.STRING, new String[] {"", "</s>"})
                .putArray("nested", GGUFValueType.ARRAY, new GGUFArray[] {
                    GGUFArray.of(GGUFValueType.INT16, new short[] {1, 2})
                })
                .addTensor("t", GGMLType.F32, new long[] {4, 1, 1, 1}, new byte[16])
                .toBytes();
    }

    private static byte[] nested(int depth) {
        GGUFArray array = GGUFArray.of(GGUFValueType.UINT32, new int[] {42});
        for (int level = 1; level < depth; level++) {
            array = GGUFArray.of(GGUFValueType.ARRAY, new GGUFArray[] {array});
        }
        return new GGUFWriter()
                .put("deep", new GGUFValue(GGUFValueType.ARRAY, array))
                .toBytes();
    }

    /**
     * {@code bytes} followed by the values a {@code FuzzedDataProvider} consumes first, last: it reads integers from
     * the end of its input, most significant byte first, so each is appended little-endian.
     */
    private static byte[] trailer(byte[] bytes, byte[]... lastConsumedFirst) {
        var out = new ByteArrayOutputStream();
        out.writeBytes(bytes);
        for (byte[] value : lastConsumedFirst) {
            out.writeBytes(value);
        }
        return out.toByteArray();
    }

    private static byte[] le(int value) {
        return ByteBuffer.allocate(4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(value)
                .array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static byte[] u32(byte[] bytes, int at, int value) {
        byte[] copy = bytes.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
        return copy;
    }

    private static byte[] u64(byte[] bytes, int at, long value) {
        byte[] copy = bytes.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putLong(at, value);
        return copy;
    }
}
