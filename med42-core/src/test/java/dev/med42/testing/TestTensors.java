package dev.med42.testing;

import dev.med42.gguf.GGUFFile;
import dev.med42.quant.GGMLType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Weight data for kernel tests: random blocks of any type, and the real tensors behind the dequantization goldens. */
public final class TestTensors {
    private static final ValueLayout.OfShort SHORT_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The tensor all dequantization goldens are of. */
    public static final String GOLDEN_TENSOR = "blk.0.attn_k.weight";

    private TestTensors() {}

    /**
     * {@code rows} rows of {@code columns} weights of {@code type}: random quants, and block scales drawn from ±[1e-4,
     * 0.05] so that every value is finite; F16, BF16 and F32 weights are normal with deviation 1.
     */
    public static MemorySegment random(GGMLType type, int rows, int columns, long seed) {
        Random random = new Random(seed);
        long bytes = rows * type.byteSize(columns);
        MemorySegment data = Arena.ofAuto().allocate(bytes);
        switch (type) {
            case F32 -> {
                for (long i = 0; i < bytes / 4; i++) {
                    data.set(FLOAT_LE, 4 * i, (float) random.nextGaussian());
                }
            }
            case F16, BF16 -> {
                for (long i = 0; i < bytes / 2; i++) {
                    float value = (float) random.nextGaussian();
                    short bits = type == GGMLType.F16
                            ? Float.floatToFloat16(value)
                            : (short) (Float.floatToRawIntBits(value) >>> 16);
                    data.set(SHORT_LE, 2 * i, bits);
                }
            }
            default -> {
                byte[] noise = new byte[(int) bytes];
                random.nextBytes(noise);
                MemorySegment.copy(noise, 0, data, ValueLayout.JAVA_BYTE, 0, noise.length);
                for (long block = 0; block < bytes; block += type.bytesPerBlock()) {
                    for (int offset : scaleOffsets(type)) {
                        float scale = (random.nextBoolean() ? 1 : -1) * (1e-4f + 0.05f * random.nextFloat());
                        data.set(SHORT_LE, block + offset, Float.floatToFloat16(scale));
                    }
                }
            }
        }
        return data;
    }

    /** Where each block keeps its fp16 scales ({@code d}, {@code m}, {@code dmin}). */
    private static List<Integer> scaleOffsets(GGMLType type) {
        return switch (type) {
            case Q4_0, Q5_0, Q8_0 -> List.of(0);
            case Q4_1, Q5_1, Q4_K, Q5_K -> List.of(0, 2);
            case Q2_K -> List.of(80, 82);
            case Q3_K -> List.of(108);
            case Q6_K -> List.of(208);
            default -> throw new IllegalArgumentException(type.toString());
        };
    }

    /** The model stems with a dequantization golden, e.g. {@code tiny-Q4_K-pure}. */
    public static List<String> goldenStems() {
        Path dir = TestData.file("golden/dequant");
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(f -> f.endsWith("." + GOLDEN_TENSOR + ".f32"))
                    .map(f -> f.substring(0, f.indexOf("." + GOLDEN_TENSOR)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The weight type of a golden stem: {@code tiny-Q4_K-pure} holds Q4_K. */
    public static GGMLType goldenType(String stem) {
        return GGMLType.valueOf(stem.replace("tiny-", "").replace("-pure", ""));
    }

    /** The data of {@link #GOLDEN_TENSOR} of a golden stem: from the model file when present, else the bundled copy. */
    public static MemorySegment goldenWeights(String stem) {
        var model = TestData.find("synthetic/" + stem + ".gguf");
        if (model.isPresent()) {
            try (GGUFFile file = GGUFFile.open(model.get())) {
                byte[] bytes = file.tensorData(file.tensor(GOLDEN_TENSOR).orElseThrow())
                        .toArray(ValueLayout.JAVA_BYTE);
                return MemorySegment.ofArray(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return bundledGoldenWeights(stem);
    }

    /** The bundled copy of {@link #GOLDEN_TENSOR} of a golden stem. */
    public static MemorySegment bundledGoldenWeights(String stem) {
        return MemorySegment.ofArray(read(TestData.file("dequant-raw/" + stem + "." + GOLDEN_TENSOR + ".raw")));
    }

    /** ggml's dequantization of {@link #GOLDEN_TENSOR} of a golden stem. */
    public static float[] golden(String stem) {
        byte[] bytes = read(TestData.file("golden/dequant/" + stem + "." + GOLDEN_TENSOR + ".f32"));
        return MemorySegment.ofArray(bytes).toArray(FLOAT_LE);
    }

    /** ggml's test-quantize-fns data: {@code 0.1 + 2 cos(i + offset)}. */
    public static float[] cosine(int n, float offset) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = 0.1f + 2 * (float) Math.cos(i + offset);
        }
        return x;
    }

    public static float[] gaussian(int n, long seed) {
        Random random = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }

    private static byte[] read(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
