package dev.med42.bench;

import dev.med42.generate.BatchScheduler;
import dev.med42.generate.GenerationOptions;
import dev.med42.generate.GenerationResult;
import dev.med42.generate.TokenListener;
import dev.med42.model.KVCacheType;
import dev.med42.model.LlamaModel;
import dev.med42.sampling.SamplingParameters;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * Aggregate generation speed of several sequences decoded together by the {@link BatchScheduler} (continuous
 * batching), in the spirit of llama-batched-bench's {@code S_TG}: {@code sequences} sequences, each from an empty
 * cache holding only BOS, generate {@code nGen} tokens greedily in lockstep, and the speed is every generated token
 * over the wall time from submission to the last result (which includes starting and closing the scheduler). That time also holds the one step that evaluates the BOS
 * tokens, so the figure errs low by one step in {@code nGen + 1}.
 *
 * <p>A sequence that meets EOS ends early (random weights rarely choose it); the speed counts the tokens actually
 * generated. Each repetition gets a new scheduler, so no sequence reuses another's cache; it is warmed up as
 * {@link Benchmark} is, until the JIT settles, untimed.
 */
public final class ConcurrentBenchmark {
    private ConcurrentBenchmark() {}

    /**
     * Runs the benchmark once untimed, then {@code repetitions} times.
     *
     * @throws IllegalArgumentException when a count is not positive
     */
    public static Benchmark.Result run(LlamaModel model, int sequences, int nGen, int repetitions) {
        if (sequences < 1 || nGen < 1 || repetitions < 1) {
            throw new IllegalArgumentException("sequences, nGen and repetitions must be positive: " + sequences + ", "
                    + nGen + ", " + repetitions);
        }
        int bos = model.tokenizer().vocabulary().bos().orElse(1);
        GenerationOptions options =
                new GenerationOptions(SamplingParameters.defaults().withTemperature(0), nGen, List.of());
        BatchScheduler.Options slots = new BatchScheduler.Options(sequences, nGen + 1, KVCacheType.F16, sequences, 0);
        Benchmark.warmUp(() -> once(model, sequences, bos, options, slots));
        long[] samples = new long[repetitions];
        int[] tokens = new int[repetitions];
        for (int i = 0; i < repetitions; i++) {
            long start = System.nanoTime();
            tokens[i] = once(model, sequences, bos, options, slots);
            samples[i] = System.nanoTime() - start;
        }
        return new Benchmark.Result(new Benchmark.Test(0, nGen), model.threads(), sequences, samples, tokens);
    }

    /** One run: every sequence submitted at once, then awaited; the tokens they generated. */
    private static int once(
            LlamaModel model, int sequences, int bos, GenerationOptions options, BatchScheduler.Options slots) {
        try (BatchScheduler scheduler = new BatchScheduler(model, slots)) {
            List<BatchScheduler.Request> requests = new ArrayList<>();
            for (int s = 0; s < sequences; s++) {
                requests.add(scheduler.submit(new int[] {bos}, options, TokenListener.NONE));
            }
            int generated = 0;
            for (BatchScheduler.Request request : requests) {
                generated += await(request).generatedTokens();
            }
            return generated;
        }
    }

    private static GenerationResult await(BatchScheduler.Request request) {
        try {
            return request.result().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while benchmarking", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a benchmarked generation failed: " + e.getCause(), e.getCause());
        }
    }
}
