package dev.med42.cli;

import dev.med42.eval.Perplexity;
import dev.med42.model.LlamaModel;
import dev.med42.model.LlamaSession;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code med42 perplexity -m FILE -f TEXT [-c CTX]}: llama-perplexity's measure (chunks of CTX tokens, 512
 * by default, the second half of each scored), ending with its {@code Final estimate} line.
 */
final class PerplexityCommand implements Command {
    static final Option CHUNKS = Option.value("N", "most chunks to evaluate (-1 = all)", "--chunks");

    @Override
    public String name() {
        return "perplexity";
    }

    @Override
    public String summary() {
        return "measure the perplexity of a text file, as llama-perplexity does";
    }

    @Override
    public List<Option> options() {
        List<Option> options = new ArrayList<>(ModelOptions.RUNTIME);
        options.addAll(List.of(PromptOptions.FILE, CHUNKS));
        return options;
    }

    @Override
    public int run(Arguments args, PrintStream out, PrintStream err) throws Exception {
        if (!args.has(PromptOptions.FILE)) {
            throw new UsageException("give the text to score with -f FILE");
        }
        String text = PromptOptions.prompt(args).orElseThrow();
        int context = args.integer(ModelOptions.CONTEXT, 512);
        if (context <= 0) {
            throw new UsageException("perplexity needs a positive context size, got " + context);
        }
        try (LlamaModel model = ModelOptions.load(args, err);
                LlamaSession session = model.newSession(context, ModelOptions.cacheType(args))) {
            var vocabulary = model.tokenizer().vocabulary();
            int[] tokens = model.tokenizer().encode(text, true, false);
            int bos = vocabulary.addBos() ? vocabulary.bos().orElse(-1) : -1;
            err.printf(Locale.ROOT, "perplexity: %d tokens, context %d%n", tokens.length, context);
            long start = System.nanoTime();
            Perplexity.Result result = Perplexity.compute(
                    session, tokens, bos, args.integer(CHUNKS, -1), chunk -> err.printf(Locale.ROOT, "[%d]", chunk));
            err.printf(Locale.ROOT, "%n%d chunks in %.2f s%n", result.chunks(), (System.nanoTime() - start) / 1e9);
            out.printf(Locale.ROOT, "Final estimate: PPL = %.4f +/- %.5f%n", result.perplexity(), result.uncertainty());
        }
        return 0;
    }
}
