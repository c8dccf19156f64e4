package dev.med42.cli;

import dev.med42.chat.ChatMessage;
import dev.med42.chat.Med42ChatTemplate;
import dev.med42.generate.Cancellation;
import dev.med42.generate.GenerationOptions;
import dev.med42.generate.GenerationResult;
import dev.med42.generate.Generator;
import dev.med42.model.LlamaModel;
import dev.med42.model.LlamaSession;
import dev.med42.sampling.SamplingParameters;
import dev.med42.tokenizer.SentencePieceTokenizer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code med42 chat}: a conversation in the Med42 prompt template. With {@code -p}, one answer; otherwise
 * an interactive session reading one message per line from stdin (an empty line is skipped, {@code /exit}
 * or end of input ends it). Each turn reuses the cache of the previous ones.
 */
final class ChatCommand implements Command {
    static final Option SYSTEM =
            Option.value("TEXT", "system prompt (default: the model card's)", "-sys", "--system-prompt");
    static final Option TOKENS = Option.value("N", "most tokens per answer (-1 = until EOS)", "-n", "--n-predict");

    @Override
    public String name() {
        return "chat";
    }

    @Override
    public String summary() {
        return "chat with the model in the Med42 prompt template (one answer with -p, interactive otherwise)";
    }

    @Override
    public List<Option> options() {
        List<Option> options = new ArrayList<>(ModelOptions.RUNTIME);
        options.addAll(List.of(PromptOptions.PROMPT, PromptOptions.FILE, SYSTEM, TOKENS));
        options.addAll(ModelOptions.SAMPLING);
        return options;
    }

    @Override
    public int run(Arguments args, PrintStream out, PrintStream err) throws Exception {
        int maxTokens = args.integer(TOKENS, -1);
        SamplingParameters sampling = ModelOptions.sampling(args, SamplingParameters.MED42_MODEL_CARD);
        GenerationOptions options = new GenerationOptions(sampling, maxTokens, Med42ChatTemplate.stopStrings());
        var oneShot = PromptOptions.prompt(args);
        try (LlamaModel model = ModelOptions.load(args, err);
                LlamaSession session = ModelOptions.session(model, args)) {
            Med42ChatTemplate template = args.string(SYSTEM)
                    .map(Med42ChatTemplate::new)
                    .orElseGet(() -> Med42ChatTemplate.forModel(model.file()
                            .metadata()
                            .getString("tokenizer.chat_template")
                            .orElse(null)));
            Conversation conversation = new Conversation(model, session, template, options, out, err);
            if (oneShot.isPresent()) {
                conversation.answer(oneShot.get());
                return 0;
            }
            err.println("Med42 chat: type a message and press Enter; /exit or Ctrl-D to quit.");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (true) {
                err.print("> ");
                err.flush();
                String line = in.readLine();
                if (line == null || line.strip().equals("/exit")) {
                    return 0;
                }
                if (!line.isBlank()) {
                    conversation.answer(line);
                }
            }
        }
    }

    /** The history of one chat and how to extend it by one answer. */
    private static final class Conversation {
        private final LlamaModel model;
        private final LlamaSession session;
        private final Med42ChatTemplate template;
        private final GenerationOptions options;
        private final PrintStream out;
        private final PrintStream err;
        private final List<ChatMessage> history = new ArrayList<>();

        Conversation(
                LlamaModel model,
                LlamaSession session,
                Med42ChatTemplate template,
                GenerationOptions options,
                PrintStream out,
                PrintStream err) {
            this.model = model;
            this.session = session;
            this.template = template;
            this.options = options;
            this.out = out;
            this.err = err;
        }

        void answer(String message) {
            history.add(ChatMessage.user(message));
            SentencePieceTokenizer tokenizer = model.tokenizer();
            int bos = tokenizer.vocabulary().bos().orElse(1);
            int eos = tokenizer.vocabulary().eos().orElse(2);
            int[] prompt = template.render(history)
                    .toTokens((text, special) -> tokenizer.encode(text, false, special), bos, eos);
            StringBuilder answer = new StringBuilder();
            // The first piece of an answer starts with SentencePiece's space: not part of what the user reads.
            GenerationResult result = new Generator(model)
                    .generate(
                            session,
                            prompt,
                            options,
                            (token, text) -> {
                                String shown = answer.isEmpty() ? text.stripLeading() : text;
                                answer.append(shown);
                                out.print(shown);
                                out.flush();
                            },
                            new Cancellation());
            out.println();
            history.add(ChatMessage.assistant(answer.toString()));
            err.print(result.timings().report());
        }
    }
}
