package dev.med42.testing;

import dev.med42.gguf.GGUFFile;
import dev.med42.gguf.GGUFWriter;
import dev.med42.quant.GGMLType;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * Random-weight Llama GGUF files of any shape and type, for benchmarks: valid blocks (finite fp16 scales, weights of
 * roughly the magnitude of trained ones, so a forward pass stays finite) but no meaning. The tensor types follow
 * llama-quantize's default mixes ({@code llama_tensor_get_type} in llama.cpp's src/llama-quant.cpp): Q4_K_M is Q4_K
 * with {@code output} in Q6_K and {@code attn_v}/{@code ffn_down} in Q6_K in the layers {@code use_more_bits} picks,
 * and so on. The Llama-2 vocabulary (32000 tokens) is copied from the bundled tokenizer file so that {@code run} and
 * {@code bench} work.
 *
 * <p>Each tensor is filled by tiling one random megabyte of valid blocks through the file mapping, so a 1 GB model is
 * written in seconds.
 *
 * <pre>{@code
 * RandomModel tinyllama Q4_K_M /tmp/tinyllama-Q4_K_M.gguf
 * RandomModel 4096:32:32:32:11008 Q8_0 /tmp/7b-Q8_0.gguf     (dim:layers:heads:kv-heads:ffn)
 * }</pre>
 */
public final class RandomModel {
    private static final ValueLayout.OfShort SHORT_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int TILE_BYTES = 1 << 20;

    /** A Llama shape. */
    public record Shape(int dim, int layers, int heads, int kvHeads, int ffn, int vocab) {
        public static final Shape TINYLLAMA = new Shape(2048, 22, 32, 4, 5632, 32000);
        public static final Shape LLAMA2_7B = new Shape(4096, 32, 32, 32, 11008, 32000);
        public static final Shape LLAMA2_70B = new Shape(8192, 80, 64, 8, 28672, 32000);

        /** {@code tinyllama}, {@code 7b}, {@code 70b} or {@code dim:layers:heads:kvHeads:ffn}. */
        public static Shape parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "tinyllama", "1b" -> TINYLLAMA;
                case "7b", "llama2-7b" -> LLAMA2_7B;
                case "70b", "llama2-70b" -> LLAMA2_70B;
                default -> {
                    String[] p = s.split(":");
                    if (p.length != 5) {
                        throw new IllegalArgumentException("shape " + s + " is not tinyllama, 7b, 70b or d:l:h:kv:ffn");
                    }
                    yield new Shape(
                            Integer.parseInt(p[0]),
                            Integer.parseInt(p[1]),
                            Integer.parseInt(p[2]),
                            Integer.parseInt(p[3]),
                            Integer.parseInt(p[4]),
                            32000);
                }
            };
        }
    }

    /** llama-quantize's file types ({@code llama_ftype}): the default tensor type and the id in general.file_type. */
    public enum Mix {
        F16(GGMLType.F16, 1),
        Q4_0(GGMLType.Q4_0, 2),
        Q4_1(GGMLType.Q4_1, 3),
        Q8_0(GGMLType.Q8_0, 7),
        Q5_0(GGMLType.Q5_0, 8),
        Q5_1(GGMLType.Q5_1, 9),
        Q2_K(GGMLType.Q2_K, 10),
        Q3_K_S(GGMLType.Q3_K, 11),
        Q4_K_S(GGMLType.Q4_K, 14),
        Q4_K_M(GGMLType.Q4_K, 15),
        Q5_K_S(GGMLType.Q5_K, 16),
        Q5_K_M(GGMLType.Q5_K, 17),
        Q6_K(GGMLType.Q6_K, 18);

        final GGMLType base;
        final int fileType;

        Mix(GGMLType base, int fileType) {
            this.base = base;
            this.fileType = fileType;
        }
    }

    private RandomModel() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: RandomModel SHAPE MIX OUT.gguf   (SHAPE: tinyllama, 7b, 70b or"
                    + " dim:layers:heads:kvHeads:ffn; MIX: F16, Q8_0, Q4_0, Q6_K, Q4_K_M, Q5_K_M, Q2_K, ...)");
            System.exit(2);
        }
        long start = System.nanoTime();
        Path out = Path.of(args[2]);
        write(Shape.parse(args[0]), Mix.valueOf(args[1].toUpperCase(Locale.ROOT)), out, 42);
        System.err.printf(
                Locale.ROOT,
                "wrote %s (%,d bytes) in %.1f s%n",
                out,
                java.nio.file.Files.size(out),
                (System.nanoTime() - start) / 1e9);
    }

    /** Writes a model of {@code shape} quantized as {@code mix} to {@code out}. */
    public static void write(Shape shape, Mix mix, Path out, long seed) throws IOException {
        GGUFWriter writer = new GGUFWriter()
                .putString("general.architecture", "llama")
                .putString("general.name", "random " + shape.layers() + "-layer " + mix)
                .putUInt32("general.file_type", mix.fileType)
                .putUInt32("llama.context_length", 4096)
                .putUInt32("llama.embedding_length", shape.dim())
                .putUInt32("llama.block_count", shape.layers())
                .putUInt32("llama.feed_forward_length", shape.ffn())
                .putUInt32("llama.rope.dimension_count", shape.dim() / shape.heads())
                .putUInt32("llama.attention.head_count", shape.heads())
                .putUInt32("llama.attention.head_count_kv", shape.kvHeads())
                .putFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .putFloat32("llama.rope.freq_base", 10000f)
                .putUInt32("llama.vocab_size", shape.vocab());
        try (GGUFFile vocab = GGUFFile.open(TestData.file("tokenizer/ggml-vocab-llama-spm.gguf"))) {
            vocab.metadata().asMap().forEach((key, value) -> {
                if (key.startsWith("tokenizer.")) {
                    writer.put(key, value);
                }
            });
            Random random = new Random(seed);
            int kv = shape.dim() / shape.heads() * shape.kvHeads();
            Types types = new Types(shape, mix);
            writer.addTensor(
                    "token_embd.weight",
                    types.embedding(),
                    new long[] {shape.dim(), shape.vocab()},
                    tiles(types.embedding(), random));
            for (int i = 0; i < shape.layers(); i++) {
                String p = "blk." + i + ".";
                writer.addTensor(p + "attn_norm.weight", GGMLType.F32, new long[] {shape.dim()}, RandomModel::ones);
                matrix(writer, p + "attn_q.weight", types.query(), shape.dim(), shape.dim(), random);
                matrix(writer, p + "attn_k.weight", types.key(), shape.dim(), kv, random);
                matrix(writer, p + "attn_v.weight", types.value(i), shape.dim(), kv, random);
                matrix(writer, p + "attn_output.weight", types.attentionOutput(), shape.dim(), shape.dim(), random);
                writer.addTensor(p + "ffn_norm.weight", GGMLType.F32, new long[] {shape.dim()}, RandomModel::ones);
                matrix(writer, p + "ffn_gate.weight", types.gateUp(), shape.dim(), shape.ffn(), random);
                matrix(writer, p + "ffn_up.weight", types.gateUp(), shape.dim(), shape.ffn(), random);
                matrix(writer, p + "ffn_down.weight", types.down(i), shape.ffn(), shape.dim(), random);
            }
            writer.addTensor("output_norm.weight", GGMLType.F32, new long[] {shape.dim()}, RandomModel::ones);
            matrix(writer, "output.weight", types.output(), shape.dim(), shape.vocab(), random);
            writer.write(out);
        }
    }

    /**
     * The tensor types of llama-quantize's mixes for a Llama model with one expert (llama_tensor_get_type_impl): only
     * the branches that the non-IQ file types take.
     */
    record Types(Shape shape, Mix mix) {
        GGMLType embedding() {
            return mix.base;
        }

        GGMLType output() {
            if (mix == Mix.F16) {
                return GGMLType.F16;
            }
            if (shape.dim() % mix.base.blockSize() != 0) {
                return GGMLType.Q8_0;
            }
            return mix.base == GGMLType.Q8_0 ? GGMLType.Q8_0 : GGMLType.Q6_K;
        }

        GGMLType query() {
            return fallback(mix.base, shape.dim());
        }

        GGMLType key() {
            return fallback(mix.base, shape.dim());
        }

        GGMLType gateUp() {
            return fallback(mix.base, shape.dim());
        }

        GGMLType value(int layer) {
            GGMLType t = mix.base;
            int gqa = shape.heads() / shape.kvHeads();
            switch (mix) {
                case Q2_K -> t = gqa >= 4 ? GGMLType.Q4_K : GGMLType.Q3_K;
                case Q4_K_M, Q5_K_M -> t = useMoreBits(layer, shape.layers()) ? GGMLType.Q6_K : t;
                case Q4_K_S -> t = layer < 4 ? GGMLType.Q5_K : t;
                default -> {}
            }
            // llama.cpp's LLM_TYPE_70B: attn_v is 8x smaller than attn_q there, so it gets more bits
            if (shape.layers() == 80 && (t == GGMLType.Q3_K || t == GGMLType.Q4_K)) {
                t = GGMLType.Q5_K;
            }
            return fallback(t, shape.dim());
        }

        GGMLType attentionOutput() {
            return fallback(mix == Mix.Q2_K ? GGMLType.Q3_K : mix.base, shape.dim());
        }

        GGMLType down(int layer) {
            GGMLType t = mix.base;
            int n = shape.layers();
            switch (mix) {
                case Q2_K -> t = GGMLType.Q3_K;
                case Q3_K_S -> t = layer < n / 8 ? GGMLType.Q4_K : t;
                case Q4_K_M, Q5_K_M -> t = useMoreBits(layer, n) ? GGMLType.Q6_K : t;
                case Q4_K_S -> t = layer < n / 8 ? GGMLType.Q5_K : t;
                default -> {}
            }
            return fallback(t, shape.ffn());
        }

        static boolean useMoreBits(int layer, int layers) {
            return layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
        }

        /** llama.cpp's tensor_type_fallback for rows that are not a whole number of 256-blocks. */
        static GGMLType fallback(GGMLType t, long columns) {
            if (columns % t.blockSize() == 0) {
                return t;
            }
            return switch (t) {
                case Q2_K, Q3_K -> GGMLType.Q4_0;
                case Q4_K -> GGMLType.Q5_0;
                case Q5_K -> GGMLType.Q5_1;
                case Q6_K -> GGMLType.Q8_0;
                default -> t;
            };
        }
    }

    private static void matrix(GGUFWriter writer, String name, GGMLType type, int columns, int rows, Random random) {
        writer.addTensor(name, type, new long[] {columns, rows}, tiles(type, random));
    }

    private static void ones(MemorySegment data) {
        data.fill((byte) 0);
        for (long i = 0; i < data.byteSize(); i += 4) {
            data.set(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i, 1f);
        }
    }

    /** A filler copying one random tile of whole blocks over the tensor. */
    private static java.util.function.Consumer<MemorySegment> tiles(GGMLType type, Random random) {
        MemorySegment tile = randomBlocks(type, random.nextLong());
        return data -> {
            for (long at = 0; at < data.byteSize(); at += tile.byteSize()) {
                long n = Math.min(tile.byteSize(), data.byteSize() - at);
                MemorySegment.copy(tile, 0, data, at, n);
            }
        };
    }

    /**
     * About a megabyte of valid random blocks of {@code type}: random quants (every bit pattern of the quants and
     * 6-bit scales is valid), fp16 scales chosen so that the weights have a deviation near 0.02.
     */
    public static MemorySegment randomBlocks(GGMLType type, long seed) {
        Random random = new Random(seed);
        int blocks = TILE_BYTES / type.bytesPerBlock();
        byte[] bytes = new byte[blocks * type.bytesPerBlock()];
        random.nextBytes(bytes);
        MemorySegment tile = MemorySegment.ofArray(bytes);
        if (type == GGMLType.F16) {
            for (long i = 0; i < bytes.length; i += 2) {
                tile.set(SHORT_LE, i, Float.floatToFloat16((float) (0.02 * random.nextGaussian())));
            }
            return tile;
        }
        // (offset of an fp16 scale in the block, its typical magnitude)
        double[][] scales = switch (type) {
            case Q4_0 -> new double[][] {{0, 5e-3}};
            case Q5_0 -> new double[][] {{0, 2.5e-3}};
            case Q8_0 -> new double[][] {{0, 3e-4}};
            case Q4_1 -> new double[][] {{0, 5e-3}, {2, 4e-2}};
            case Q5_1 -> new double[][] {{0, 2.5e-3}, {2, 4e-2}};
            case Q2_K -> new double[][] {{80, 2.5e-3}, {82, 2e-3}};
            case Q3_K -> new double[][] {{108, 5e-4}};
            case Q4_K -> new double[][] {{0, 1.5e-4}, {2, 1.5e-4}};
            case Q5_K -> new double[][] {{0, 8e-5}, {2, 1.5e-4}};
            case Q6_K -> new double[][] {{208, 1.5e-5}};
            default -> throw new IllegalArgumentException("no random blocks for " + type);
        };
        for (long block = 0; block < bytes.length; block += type.bytesPerBlock()) {
            for (double[] s : scales) {
                double sign = (type == GGMLType.Q4_1 || type == GGMLType.Q5_1) && s[0] == 2 ? -1 : 1;
                float d = (float) (sign * s[1] * (0.5 + random.nextDouble()));
                tile.set(SHORT_LE, block + (long) s[0], Float.floatToFloat16(d));
            }
        }
        return tile;
    }
}
