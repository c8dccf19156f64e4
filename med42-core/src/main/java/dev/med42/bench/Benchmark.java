package dev.med42.bench;

import dev.med42.gguf.GGUFTensorInfo;
import dev.med42.model.KVCacheType;
import dev.med42.model.LlamaModel;
import dev.med42.model.LlamaSession;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * The tests of llama.cpp's llama-bench over a loaded model, with its semantics: a prompt test ({@code pp N})
 * evaluates N random tokens from an empty cache in batches; a generation test ({@code tg N}) decodes N tokens one at a
 * time from an empty cache; a combined test does both. Each repetition starts from an empty cache and is timed whole.
 *
 * <p>One difference: llama-bench's warm-up is a prompt pass and a single decoded token; here the warm-up runs the
 * whole test, again until the JIT stops compiling (at most {@value #MAX_WARMUPS} times). On two cores the compiler
 * queue backs up behind the large vector kernels, and a kernel that only the last token of a prompt uses (the output
 * matrix) stayed interpreted for most of a short run: the repetitions would time the interpreter.
 */
public final class Benchmark {
    /** The most warm-up runs of a test. */
    static final int MAX_WARMUPS = 10;

    /** A warm-up run during which the JIT compiled for less than this long ends the warm-up. */
    private static final long SETTLED_COMPILE_MILLIS = 20;

    private Benchmark() {}

    /** One llama-bench test: {@code nPrompt} prompt tokens then {@code nGen} generated ones. */
    public record Test(int nPrompt, int nGen) {
        public Test {
            if (nPrompt < 0 || nGen < 0 || nPrompt + nGen == 0) {
                throw new IllegalArgumentException("a test needs prompt or generated tokens: " + nPrompt + ", " + nGen);
            }
        }

        /** llama-bench's name: {@code pp128}, {@code tg64} or {@code pp128+tg64}. */
        public String name() {
            if (nGen == 0) {
                return "pp" + nPrompt;
            }
            return nPrompt == 0 ? "tg" + nGen : "pp" + nPrompt + "+tg" + nGen;
        }

        int tokens() {
            return nPrompt + nGen;
        }
    }

    /**
     * The timings of the repetitions of one test.
     *
     * @param sequences sequences decoded together (1 but for {@link ConcurrentBenchmark})
     * @param samplesNs the wall time of each repetition
     * @param samplesTokens the tokens each repetition processed, all sequences together
     */
    public record Result(Test test, int threads, int sequences, long[] samplesNs, int[] samplesTokens) {
        public Result {
            if (samplesNs.length != samplesTokens.length) {
                throw new IllegalArgumentException("a token count per sample: " + samplesNs.length + " samples, "
                        + samplesTokens.length + " counts");
            }
            samplesNs = samplesNs.clone();
            samplesTokens = samplesTokens.clone();
        }

        @Override
        public long[] samplesNs() {
            return samplesNs.clone();
        }

        @Override
        public int[] samplesTokens() {
            return samplesTokens.clone();
        }

        /** llama-bench's test name, with {@code npN} after it when N sequences were decoded together. */
        public String name() {
            return sequences == 1 ? test.name() : test.name() + " np" + sequences;
        }

        /** Tokens per second of each repetition, all sequences together. */
        public double[] samplesTs() {
            double[] ts = new double[samplesNs.length];
            for (int i = 0; i < ts.length; i++) {
                ts[i] = 1e9 * samplesTokens[i] / samplesNs[i];
            }
            return ts;
        }

        public double avgTs() {
            return mean(samplesTs());
        }

        /** The sample standard deviation, as llama-bench computes it (0 for one repetition). */
        public double stddevTs() {
            return stddev(samplesTs());
        }

        public long avgNs() {
            return (long) mean(Arrays.stream(samplesNs).asDoubleStream().toArray());
        }

        public long stddevNs() {
            return (long) stddev(Arrays.stream(samplesNs).asDoubleStream().toArray());
        }
    }

    /**
     * Runs {@code test} to warm up (see above), then {@code repetitions} times, each from an empty cache of a session
     * of exactly the context the test needs (as llama-bench sizes its context) with an F16 KV cache.
     */
    public static Result run(LlamaModel model, Test test, int repetitions, long seed) {
        if (repetitions < 1) {
            throw new IllegalArgumentException("repetitions must be at least 1: " + repetitions);
        }
        Random random = new Random(seed);
        long[] samples = new long[repetitions];
        try (LlamaSession session = model.newSession(test.tokens(), KVCacheType.F16)) {
            warmUp(() -> once(session, test, random));
            for (int r = 0; r < repetitions; r++) {
                samples[r] = once(session, test, random);
            }
        }
        int[] tokens = new int[repetitions];
        Arrays.fill(tokens, test.tokens());
        return new Result(test, model.threads(), 1, samples, tokens);
    }

    /** Runs {@code test} until a run during which the JIT compiled little, at most {@value #MAX_WARMUPS} times. */
    static void warmUp(Runnable test) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean watchJit = jit != null && jit.isCompilationTimeMonitoringSupported();
        for (int w = 0; w < MAX_WARMUPS; w++) {
            long compiled = watchJit ? jit.getTotalCompilationTime() : 0;
            test.run();
            if (!watchJit || jit.getTotalCompilationTime() - compiled < SETTLED_COMPILE_MILLIS) {
                break;
            }
        }
    }

    /** One run of the test from an empty cache, in nanoseconds. */
    private static long once(LlamaSession session, Test test, Random random) {
        session.reset();
        long start = System.nanoTime();
        if (test.nPrompt() > 0) {
            prompt(session, test.nPrompt(), random);
        }
        if (test.nGen() > 0) {
            generate(session, test.nGen(), random);
        }
        return System.nanoTime() - start;
    }

    /** llama-bench's test_prompt: BOS (when the vocabulary adds one) then random tokens, in batches. */
    private static void prompt(LlamaSession session, int n, Random random) {
        int vocabulary = session.model().config().vocabularySize();
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = random.nextInt(vocabulary);
        }
        tokens[0] = first(session, random);
        session.evaluate(tokens);
    }

    /** llama-bench's test_gen: one token at a time, each followed by a random one, logits read after each. */
    private static void generate(LlamaSession session, int n, Random random) {
        int vocabulary = session.model().config().vocabularySize();
        int token = first(session, random);
        for (int i = 0; i < n; i++) {
            session.step(token);
            token = random.nextInt(vocabulary);
        }
    }

    private static int first(LlamaSession session, Random random) {
        var vocabulary = session.model().tokenizer().vocabulary();
        return vocabulary.addBos() && vocabulary.bos().isPresent()
                ? vocabulary.bos().getAsInt()
                : random.nextInt(vocabulary.size());
    }

    /** llama.cpp's model description, e.g. {@code llama 1B Q4_K - Medium}. */
    public static String describe(LlamaModel model) {
        int layers = model.config().blockCount();
        String size = switch (layers) {
            case 16, 22 -> "1B";
            case 26, 28 -> "3B";
            case 32 -> model.config().vocabularySize() < 40000 ? "7B" : "8B";
            case 40 -> "13B";
            case 48 -> "34B";
            case 60 -> "30B";
            case 80 -> model.config().headCount() == model.config().headCountKv() ? "65B" : "70B";
            default -> "?B";
        };
        long fileType = model.file().metadata().getInteger("general.file_type").orElse(-1L);
        return "llama " + size + " " + fileTypeName(fileType);
    }

    /** llama.cpp's llama_model_ftype_name for {@code general.file_type}. */
    static String fileTypeName(long fileType) {
        return switch ((int) fileType) {
            case 0 -> "all F32";
            case 1 -> "F16";
            case 2 -> "Q4_0";
            case 3 -> "Q4_1";
            case 7 -> "Q8_0";
            case 8 -> "Q5_0";
            case 9 -> "Q5_1";
            case 10 -> "Q2_K - Medium";
            case 11 -> "Q3_K - Small";
            case 12 -> "Q3_K - Medium";
            case 13 -> "Q3_K - Large";
            case 14 -> "Q4_K - Small";
            case 15 -> "Q4_K - Medium";
            case 16 -> "Q5_K - Small";
            case 17 -> "Q5_K - Medium";
            case 18 -> "Q6_K";
            case 21 -> "Q2_K - Small";
            case 32 -> "BF16";
            default -> "unknown, may not work";
        };
    }

    /** The bytes of all tensors (llama_model_size). */
    public static long modelSize(LlamaModel model) {
        return model.file().tensors().stream()
                .mapToLong(GGUFTensorInfo::byteSize)
                .sum();
    }

    /** The weights of all tensors (llama_model_n_params). */
    public static long parameters(LlamaModel model) {
        return model.file().tensors().stream()
                .mapToLong(GGUFTensorInfo::elementCount)
                .sum();
    }

    /** llama-bench's size column: MiB below a GiB, else GiB. */
    public static String formatSize(long bytes) {
        return bytes < (1L << 30)
                ? String.format(Locale.ROOT, "%.2f MiB", bytes / 1024.0 / 1024.0)
                : String.format(Locale.ROOT, "%.2f GiB", bytes / 1024.0 / 1024.0 / 1024.0);
    }

    /** llama-bench's params column: M below a billion, else B. */
    public static String formatParameters(long n) {
        return n < 1_000_000_000L
                ? String.format(Locale.ROOT, "%.2f M", n / 1e6)
                : String.format(Locale.ROOT, "%.2f B", n / 1e9);
    }

    static double mean(double[] values) {
        return Arrays.stream(values).sum() / values.length;
    }

    /** llama-bench's stdev: sqrt(sum of squares / (n - 1) - mean² n / (n - 1)). */
    static double stddev(double[] values) {
        int n = values.length;
        if (n <= 1) {
            return 0;
        }
        double mean = mean(values);
        double squares = Arrays.stream(values).map(v -> v * v).sum();
        return Math.sqrt(Math.max(0, squares / (n - 1) - mean * mean * n / (n - 1)));
    }
}
