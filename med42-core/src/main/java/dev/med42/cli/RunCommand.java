package dev.med42.cli;

import dev.med42.generate.Cancellation;
import dev.med42.generate.GenerationOptions;
import dev.med42.generate.GenerationResult;
import dev.med42.generate.Generator;
import dev.med42.model.LlamaModel;
import dev.med42.model.LlamaSession;
import dev.med42.sampling.SamplingParameters;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code med42 run}: raw completion of a prompt, like llama-cli without a chat template. stdout carries
 * exactly the generated text; load messages and timings go to stderr.
 */
final class RunCommand implements Command {
    static final Option TOKENS =
            Option.value("N", "tokens to generate (-1 = until EOS or the context is full)", "-n", "--n-predict");

    @Override
    public String name() {
        return "run";
    }

    @Override
    public String summary() {
        return "complete a prompt (raw text, no chat template)";
    }

    @Override
    public List<Option> options() {
        List<Option> options = new ArrayList<>(ModelOptions.RUNTIME);
        options.addAll(List.of(PromptOptions.PROMPT, PromptOptions.FILE, TOKENS));
        options.addAll(ModelOptions.SAMPLING);
        return options;
    }

    @Override
    public int run(Arguments args, PrintStream out, PrintStream err) throws Exception {
        String prompt = PromptOptions.prompt(args).orElseThrow(() -> new UsageException("give a prompt with -p or -f"));
        int maxTokens = args.integer(TOKENS, -1);
        if (maxTokens < -1) {
            throw new UsageException("-n must be -1 or at least 0, got " + maxTokens);
        }
        SamplingParameters sampling = ModelOptions.sampling(args, SamplingParameters.defaults());
        try (LlamaModel model = ModelOptions.load(args, err);
                LlamaSession session = ModelOptions.session(model, args)) {
            // As llama-cli: BOS when the vocabulary asks for it, and <s>/</s> text parsed as control tokens.
            int[] tokens = model.tokenizer().encode(prompt, true, true);
            GenerationOptions options = new GenerationOptions(sampling, maxTokens, List.of());
            GenerationResult result = new Generator(model)
                    .generate(session, tokens, options, (token, text) -> out.print(text), new Cancellation());
            out.flush();
            err.println();
            err.println("stop reason: " + result.stopReason().name().toLowerCase(java.util.Locale.ROOT));
            err.print(result.timings().report());
        }
        return 0;
    }
}
