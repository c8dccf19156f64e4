package dev.med42.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** {@code -p TEXT} or {@code -f FILE}: a prompt taken literally (no escapes, no trimming). */
final class PromptOptions {
    static final Option PROMPT = Option.value("TEXT", "prompt text, taken literally", "-p", "--prompt");
    static final Option FILE = Option.value("FILE", "read the prompt from a UTF-8 file", "-f", "--file");

    private PromptOptions() {}

    /** The prompt of {@code -p} or {@code -f}, or empty when neither is given. */
    static Optional<String> prompt(Arguments args) throws Exception {
        if (args.has(PROMPT) && args.has(FILE)) {
            throw new UsageException("give either -p or -f, not both");
        }
        if (args.has(FILE)) {
            return Optional.of(new String(Files.readAllBytes(Path.of(args.required(FILE))), StandardCharsets.UTF_8));
        }
        return args.string(PROMPT);
    }
}
