package dev.med42.bench;

import dev.med42.model.LlamaModel;
import java.nio.file.Path;

/**
 * Runs {@link ConcurrentBenchmark} from the command line until {@code ./med42 bench} has {@code -np}: {@code
 * ConcurrentBenchmarkRunner MODEL THREADS NGEN REPETITIONS NP...}, one line per sequence count on stdout, the first
 * count being the baseline that the others are compared with.
 */
public final class ConcurrentBenchmarkRunner {
    private ConcurrentBenchmarkRunner() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: ConcurrentBenchmarkRunner MODEL THREADS NGEN REPETITIONS NP...");
            System.exit(2);
        }
        try (LlamaModel model = LlamaModel.load(Path.of(args[0]), Integer.parseInt(args[1]))) {
            int nGen = Integer.parseInt(args[2]);
            int repetitions = Integer.parseInt(args[3]);
            double baseline = 0;
            for (int i = 4; i < args.length; i++) {
                ConcurrentBenchmark.Result result =
                        ConcurrentBenchmark.run(model, Integer.parseInt(args[i]), nGen, repetitions);
                baseline = i == 4 ? result.tokensPerSecond() : baseline;
                System.out.printf(
                        "%s  %.2fx%n", ConcurrentBenchmark.describe(result), result.tokensPerSecond() / baseline);
            }
        }
    }
}
