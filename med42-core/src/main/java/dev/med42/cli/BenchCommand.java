package dev.med42.cli;

import dev.med42.bench.Benchmark;
import dev.med42.bench.ConcurrentBenchmark;
import dev.med42.model.LlamaModel;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * {@code med42 bench -m FILE [-p 512] [-n 128] [-t N] [-r 5] [-np 1] [-o md|json|jsonl]}: llama-bench's prompt and
 * generation tests, its defaults, its markdown table and its JSON field names, so that both can run side by side on
 * the same files. {@code -m}, {@code -p}, {@code -n}, {@code -t} and {@code -np} take comma-separated lists, as in
 * llama-bench.
 *
 * <p>{@code -np N} (N &gt; 1) adds what llama-bench lacks: each generation test run again with N sequences decoded
 * together by the server's continuous batching ({@link ConcurrentBenchmark}), reporting their aggregate tokens per
 * second, as llama-batched-bench's {@code S_TG}; the test is named {@code tg64 np4} and its JSON has
 * {@code n_parallel}.
 */
final class BenchCommand implements Command {
    static final Option MODEL = Option.value("FILE", "GGUF model file(s), comma-separated", "-m", "--model");
    static final Option PROMPT =
            Option.value("N", "prompt tokens per pp test (default 512; 0 = none)", "-p", "--n-prompt");
    static final Option GEN =
            Option.value("N", "generated tokens per tg test (default 128; 0 = none)", "-n", "--n-gen");
    static final Option THREADS = Option.value("N", "threads (default: the machine's cores)", "-t", "--threads");
    static final Option REPETITIONS = Option.value("N", "repetitions of each test (default 5)", "-r", "--repetitions");
    static final Option PARALLEL = Option.value(
            "N", "sequences decoded together in the tg tests (default 1: llama-bench's)", "-np", "--parallel");
    static final Option OUTPUT = Option.value("FORMAT", "md (default), json or jsonl", "-o", "--output");

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "measure prompt processing and generation speed, as llama-bench does";
    }

    @Override
    public List<Option> options() {
        return List.of(MODEL, PROMPT, GEN, THREADS, REPETITIONS, PARALLEL, OUTPUT);
    }

    @Override
    public int run(Arguments args, PrintStream out, PrintStream err) throws Exception {
        List<Path> models =
                Arrays.stream(args.required(MODEL).split(",")).map(Path::of).toList();
        List<Integer> prompts = integers(args, PROMPT, 512, 0);
        List<Integer> gens = integers(args, GEN, 128, 0);
        List<Integer> threads = integers(args, THREADS, Runtime.getRuntime().availableProcessors(), 1);
        List<Integer> parallel = integers(args, PARALLEL, 1, 1);
        int repetitions = args.integer(REPETITIONS, 5);
        if (repetitions < 1) {
            throw new UsageException("-r must be at least 1, got " + repetitions);
        }
        Printer printer = switch (args.string(OUTPUT, "md")) {
            case "md" -> new Markdown(out);
            case "json" -> new Json(out, false);
            case "jsonl" -> new Json(out, true);
            default ->
                throw new UsageException("unknown output format " + args.string(OUTPUT, "") + " (md, json, jsonl)");
        };
        List<Benchmark.Test> tests = new ArrayList<>();
        prompts.stream().filter(p -> p > 0).forEach(p -> tests.add(new Benchmark.Test(p, 0)));
        gens.stream().filter(n -> n > 0).forEach(n -> tests.add(new Benchmark.Test(0, n)));
        if (tests.isEmpty()) {
            throw new UsageException("nothing to measure: -p and -n are both 0");
        }
        printer.header();
        for (Path path : models) {
            for (int t : threads) {
                long start = System.nanoTime();
                try (LlamaModel model = LlamaModel.load(path, t)) {
                    err.printf(
                            Locale.ROOT,
                            "bench: loaded %s in %.0f ms, %d threads%n",
                            path.getFileName(),
                            (System.nanoTime() - start) / 1e6,
                            t);
                    for (Benchmark.Test test : tests) {
                        for (int np : test.nPrompt() == 0 ? parallel : List.of(1)) {
                            printer.row(
                                    path,
                                    model,
                                    np == 1
                                            ? Benchmark.run(model, test, repetitions, 1234)
                                            : ConcurrentBenchmark.run(model, np, test.nGen(), repetitions));
                        }
                    }
                }
            }
        }
        printer.footer();
        return 0;
    }

    private static List<Integer> integers(Arguments args, Option option, int defaultValue, int min)
            throws UsageException {
        List<Integer> values = new ArrayList<>();
        for (String s : args.string(option, Integer.toString(defaultValue)).split(",")) {
            try {
                int v = Integer.parseInt(s.strip());
                if (v < min) {
                    throw new UsageException(option.name() + " values must be at least " + min + ", got " + v);
                }
                values.add(v);
            } catch (NumberFormatException e) {
                throw new UsageException(option.name() + " expects integers, got '" + s + "'");
            }
        }
        return values;
    }

    private interface Printer {
        default void header() {}

        void row(Path path, LlamaModel model, Benchmark.Result result);

        default void footer() {}
    }

    /** llama-bench's markdown table: its columns, widths and alignment. */
    private record Markdown(PrintStream out) implements Printer {
        private static final String[] NAMES = {"model", "size", "params", "backend", "threads", "test", "t/s"};
        // negative: left-aligned, as llama-bench's get_field_width
        private static final int[] WIDTHS = {-30, 10, 10, -10, 7, 13, 20};

        @Override
        public void header() {
            line(NAMES);
            StringBuilder rule = new StringBuilder("|");
            for (int w : WIDTHS) {
                rule.append(' ')
                        .append("-".repeat(Math.abs(w) - 1))
                        .append(w > 0 ? ':' : '-')
                        .append(" |");
            }
            out.println(rule);
        }

        @Override
        public void row(Path path, LlamaModel model, Benchmark.Result r) {
            line(new String[] {
                Benchmark.describe(model),
                Benchmark.formatSize(Benchmark.modelSize(model)),
                Benchmark.formatParameters(Benchmark.parameters(model)),
                "CPU",
                Integer.toString(r.threads()),
                r.name(),
                String.format(Locale.ROOT, "%.2f ± %.2f", r.avgTs(), r.stddevTs())
            });
        }

        private void line(String[] values) {
            StringBuilder s = new StringBuilder("|");
            for (int i = 0; i < values.length; i++) {
                int w = WIDTHS[i];
                s.append(' ')
                        .append(String.format(Locale.ROOT, w < 0 ? "%-" + -w + "s" : "%" + w + "s", values[i]))
                        .append(" |");
            }
            out.println(s);
        }
    }

    /** llama-bench's json (an array) and jsonl (one object a line) output, with its field names. */
    private static final class Json implements Printer {
        private final PrintStream out;
        private final boolean lines;
        private boolean first = true;

        Json(PrintStream out, boolean lines) {
            this.out = out;
            this.lines = lines;
        }

        @Override
        public void header() {
            if (!lines) {
                out.println("[");
            }
        }

        @Override
        public void row(Path path, LlamaModel model, Benchmark.Result r) {
            List<String> fields = List.of(
                    field("build_commit", quote("med42")),
                    field("backends", quote("CPU")),
                    field("model_filename", quote(path.toString())),
                    field("model_type", quote(Benchmark.describe(model))),
                    field("model_size", Long.toString(Benchmark.modelSize(model))),
                    field("model_n_params", Long.toString(Benchmark.parameters(model))),
                    field("n_threads", Integer.toString(r.threads())),
                    field("type_k", quote("f16")),
                    field("type_v", quote("f16")),
                    field("n_gpu_layers", "0"),
                    field("use_mmap", "true"),
                    field("n_prompt", Integer.toString(r.test().nPrompt())),
                    field("n_gen", Integer.toString(r.test().nGen())),
                    field("n_parallel", Integer.toString(r.sequences())),
                    field(
                            "test_time",
                            quote(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())),
                    field("avg_ns", Long.toString(r.avgNs())),
                    field("stddev_ns", Long.toString(r.stddevNs())),
                    field("avg_ts", String.format(Locale.ROOT, "%.6f", r.avgTs())),
                    field("stddev_ts", String.format(Locale.ROOT, "%.6f", r.stddevTs())),
                    field(
                            "samples_ns",
                            "[ "
                                    + Arrays.stream(r.samplesNs())
                                            .mapToObj(Long::toString)
                                            .collect(Collectors.joining(", "))
                                    + " ]"),
                    field(
                            "samples_ts",
                            "[ "
                                    + Arrays.stream(r.samplesTs())
                                            .mapToObj(v -> String.format(Locale.ROOT, "%.6f", v))
                                            .collect(Collectors.joining(", "))
                                    + " ]"));
            if (lines) {
                out.println("{" + String.join(", ", fields) + "}");
                return;
            }
            if (!first) {
                out.println(",");
            }
            first = false;
            out.print("  {\n    " + String.join(",\n    ", fields) + "\n  }");
            out.flush();
        }

        @Override
        public void footer() {
            if (!lines) {
                out.println("\n]");
            }
        }

        private static String field(String name, String value) {
            return "\"" + name + "\": " + value;
        }

        private static String quote(String s) {
            StringBuilder q = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"' -> q.append("\\\"");
                    case '\\' -> q.append("\\\\");
                    default -> q.append(c < 0x20 ? String.format(Locale.ROOT, "\\u%04x", (int) c) : String.valueOf(c));
                }
            }
            return q.append('"').toString();
        }
    }
}
