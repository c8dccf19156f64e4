package dev.med42.cli;

import dev.med42.gguf.GGUFFile;
import dev.med42.model.KVCacheType;
import dev.med42.model.LlamaModel;
import dev.med42.model.LlamaSession;
import dev.med42.sampling.SamplingParameters;
import dev.med42.tensor.MatMul;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The options every model-running command shares, with llama.cpp's names, and what they build. */
final class ModelOptions {
    static final Option MODEL = Option.value("FILE", "GGUF model file (or the stem of a split model)", "-m", "--model");
    static final Option CONTEXT = Option.value("N", "context size in tokens (0 = the model's)", "-c", "--ctx-size");
    static final Option THREADS = Option.value("N", "threads (default: the machine's cores)", "-t", "--threads");
    static final Option CACHE_TYPE =
            Option.value("TYPE", "KV cache type: f16 (default) or f32", "-ctk", "--cache-type-k");
    static final Option GPU_LAYERS =
            Option.value("N", "accepted for llama.cpp compatibility; ignored (CPU only)", "-ngl", "--n-gpu-layers");

    static final Option TEMPERATURE = Option.value("T", "temperature (0 = greedy)", "--temp");
    static final Option TOP_K = Option.value("K", "top-k sampling (0 = off)", "--top-k");
    static final Option TOP_P = Option.value("P", "top-p sampling (1 = off)", "--top-p");
    static final Option MIN_P = Option.value("P", "min-p sampling (0 = off)", "--min-p");
    static final Option REPEAT_PENALTY = Option.value("R", "repeat penalty (1 = off)", "--repeat-penalty");
    static final Option REPEAT_LAST_N =
            Option.value("N", "tokens the penalties look back on (-1 = context)", "--repeat-last-n");
    static final Option FREQUENCY_PENALTY = Option.value("F", "frequency penalty (0 = off)", "--frequency-penalty");
    static final Option PRESENCE_PENALTY = Option.value("P", "presence penalty (0 = off)", "--presence-penalty");
    static final Option SEED = Option.value("N", "random seed (-1 = random)", "-s", "--seed");

    static final List<Option> RUNTIME = List.of(MODEL, CONTEXT, THREADS, CACHE_TYPE, GPU_LAYERS);
    static final List<Option> SAMPLING = List.of(
            TEMPERATURE, TOP_K, TOP_P, MIN_P, REPEAT_PENALTY, REPEAT_LAST_N, FREQUENCY_PENALTY, PRESENCE_PENALTY, SEED);

    /** Files from this size on show their loading progress. */
    static final long SHOW_PROGRESS_FROM = 1L << 30;

    private ModelOptions() {}

    /**
     * Loads the model named by {@code -m}, after warning about options this runtime ignores, and reads its pages into
     * memory as llama.cpp does, with progress on stderr when the file is at least {@link #SHOW_PROGRESS_FROM} (a 70B
     * model takes minutes from a disk).
     */
    static LlamaModel load(Arguments args, PrintStream err) throws Exception {
        if (args.has(GPU_LAYERS)) {
            err.println("warning: -ngl ignored: this runtime runs on the CPU only");
        }
        Path path = args.requiredPath(MODEL);
        long start = System.nanoTime();
        LlamaModel model = LlamaModel.load(path, args.integer(THREADS, MatMul.defaultThreads()));
        try {
            prefetch(model.file(), err, ProgressPrinter.stderrIsTerminal(), PhysicalMemory.bytes());
        } catch (RuntimeException | Error e) {
            model.close();
            throw e;
        }
        err.printf(Locale.ROOT, "loaded %s in %.0f ms%n", path.getFileName(), (System.nanoTime() - start) / 1e6);
        return model;
    }

    /**
     * Reads {@code file} into memory, showing progress when it is large; a file larger than the machine's memory is
     * left to page in as it is used (reading it all would only evict its own start).
     */
    static void prefetch(GGUFFile file, PrintStream err, boolean terminal, long physicalMemory) {
        long size = file.byteSize();
        String name = file.path().getFileName().toString();
        if (size > physicalMemory) {
            err.println(name + ": " + InfoCommand.bytes(size) + " is more than this machine's memory ("
                    + InfoCommand.bytes(physicalMemory) + "); its pages will be read from disk as they are used");
            return;
        }
        if (size < SHOW_PROGRESS_FROM) {
            file.prefetch(done -> {});
            return;
        }
        var progress = new ProgressPrinter(err, terminal, System::nanoTime);
        progress.onLoad(name, 0, size);
        file.prefetch(done -> progress.onLoad(name, done, size));
    }

    /** A session with the context of {@code -c} (0 or absent: the model's) and the cache type of {@code -ctk}. */
    static LlamaSession session(LlamaModel model, Arguments args) throws UsageException {
        int context = args.integer(CONTEXT, 0);
        if (context < 0) {
            throw new UsageException("-c must be 0 (the model's context) or positive, got " + context);
        }
        return model.newSession(context == 0 ? model.config().contextLength() : context, cacheType(args));
    }

    /** The KV cache type of {@code -ctk}: f16 (the default) or f32. */
    static KVCacheType cacheType(Arguments args) throws UsageException {
        String type = args.string(CACHE_TYPE, "f16").toLowerCase(Locale.ROOT);
        return switch (type) {
            case "f16" -> KVCacheType.F16;
            case "f32" -> KVCacheType.F32;
            default -> throw new UsageException("unsupported KV cache type " + type + " (f16 or f32)");
        };
    }

    /** Sampling parameters from the options, each defaulting to {@code defaults}. */
    static SamplingParameters sampling(Arguments args, SamplingParameters defaults) throws UsageException {
        try {
            return new SamplingParameters(
                    args.number(TEMPERATURE, (float) defaults.temperature()),
                    args.integer(TOP_K, defaults.topK()),
                    args.number(TOP_P, (float) defaults.topP()),
                    args.number(MIN_P, (float) defaults.minP()),
                    args.number(REPEAT_PENALTY, (float) defaults.repeatPenalty()),
                    args.integer(REPEAT_LAST_N, defaults.repeatLastN()),
                    args.number(FREQUENCY_PENALTY, (float) defaults.frequencyPenalty()),
                    args.number(PRESENCE_PENALTY, (float) defaults.presencePenalty()),
                    args.longValue(SEED, defaults.seed()));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
