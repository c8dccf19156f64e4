package dev.med42.cli;

import dev.med42.gguf.GGUFFile;
import dev.med42.tokenizer.SentencePieceTokenizer;
import dev.med42.tokenizer.Vocabulary;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code med42 tokenize -m FILE -p TEXT}: the token ids of a text as a JSON array, BOS first when the
 * vocabulary asks for it, as llama.cpp's {@code llama-tokenize --ids} prints them.
 */
final class TokenizeCommand implements Command {
    static final Option MODEL = Option.value("FILE", "GGUF model or vocabulary file", "-m", "--model");
    static final Option PROMPT = Option.value("TEXT", "the text to tokenize, taken literally", "-p", "--prompt");
    static final Option FILE = Option.value("FILE", "read the text from a file, its bytes as UTF-8", "-f", "--file");
    static final Option NO_BOS = Option.flag("leave out the BOS token", "--no-bos");
    static final Option PARSE_SPECIAL =
            Option.flag("turn control-token text such as <s> and </s> into those tokens", "--parse-special");

    @Override
    public String name() {
        return "tokenize";
    }

    @Override
    public String summary() {
        return "print the token ids of a text as a JSON array";
    }

    @Override
    public List<Option> options() {
        return List.of(MODEL, PROMPT, FILE, NO_BOS, PARSE_SPECIAL);
    }

    @Override
    public int run(Arguments args, PrintStream out, PrintStream err) throws Exception {
        if (!args.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + args.positional().getFirst() + "'");
        }
        if (args.has(PROMPT) == args.has(FILE)) {
            throw new UsageException(
                    "give the text with either " + PROMPT.name() + " TEXT or " + FILE.name() + " FILE");
        }
        Vocabulary vocabulary;
        try (GGUFFile file = GGUFFile.open(args.requiredPath(MODEL))) {
            vocabulary = Vocabulary.from(file.metadata());
        }
        var tokenizer = new SentencePieceTokenizer(vocabulary);
        // As llama-tokenize: add_special is the vocabulary's add_bos unless --no-bos, and EOS follows it.
        boolean addSpecial = vocabulary.addBos() && !args.has(NO_BOS);
        boolean parseSpecial = args.has(PARSE_SPECIAL);
        int[] ids = args.has(PROMPT)
                ? tokenizer.encode(args.required(PROMPT), addSpecial, parseSpecial)
                : tokenizer.encode(Files.readAllBytes(args.requiredPath(FILE)), addSpecial, parseSpecial);
        out.println(Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(", ", "[", "]")));
        return 0;
    }
}
