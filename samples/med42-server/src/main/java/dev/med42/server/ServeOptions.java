package dev.med42.server;

import dev.med42.cli.Arguments;
import dev.med42.cli.Option;
import dev.med42.cli.UsageException;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of {@code ./med42 serve}, llama.cpp server's option names, as the Spring Boot properties they set.
 * Anything after {@code --} goes to Spring Boot as it is ({@code -- --logging.level.root=warn}).
 */
final class ServeOptions {
    static final Option MODEL = Option.value("FILE", "the Med42 GGUF file (required)", "-m", "--model");
    static final Option HOST = Option.value("HOST", "the address to listen on (default 127.0.0.1)", "--host");
    static final Option PORT = Option.value("PORT", "the port to listen on (default 8080)", "--port");
    static final Option SLOTS = Option.value(
            "N", "sequences decoded together, each with its own KV cache (default 1)", "-np", "--parallel");
    static final Option CONTEXT =
            Option.value("N", "tokens per slot (default: the model's trained context)", "-c", "--ctx-size");
    static final Option API_KEY =
            Option.value("KEY", "the key clients must send as 'Authorization: Bearer KEY'", "--api-key");
    static final Option THREADS =
            Option.value("N", "compute threads (default: one per available processor)", "-t", "--threads");
    static final Option ALIAS =
            Option.value("NAME", "the model's name in the API (default: its GGUF general.name)", "-a", "--alias");
    static final Option HELP = Option.flag("this help", "-h", "--help");

    static final List<Option> ALL = List.of(MODEL, HOST, PORT, SLOTS, CONTEXT, API_KEY, THREADS, ALIAS, HELP);

    private final Arguments parsed;

    private ServeOptions(Arguments parsed) {
        this.parsed = parsed;
    }

    /** @throws UsageException for an unknown option or a missing value */
    static ServeOptions parse(String[] args) throws UsageException {
        return new ServeOptions(Arguments.parse("serve", ALL, args));
    }

    boolean help() {
        return parsed.has(HELP);
    }

    /**
     * The Spring Boot arguments ({@code --key=value}) the options stand for.
     *
     * @throws UsageException for a missing model, or a number that is not one
     */
    List<String> springArguments() throws UsageException {
        List<String> spring = new ArrayList<>();
        spring.add("--med42.model.path=" + parsed.requiredPath(MODEL).toAbsolutePath());
        spring.add("--server.address=" + parsed.string(HOST, "127.0.0.1"));
        spring.add("--server.port=" + parsed.integer(PORT, 8080));
        if (parsed.has(SLOTS)) {
            spring.add("--med42.server.slots=" + parsed.integer(SLOTS, 1));
        }
        if (parsed.has(CONTEXT)) {
            spring.add("--med42.model.context-size=" + parsed.integer(CONTEXT, 0));
        }
        if (parsed.has(THREADS)) {
            spring.add("--med42.model.threads=" + parsed.integer(THREADS, 0));
        }
        parsed.string(API_KEY).ifPresent(key -> spring.add("--med42.server.api-key=" + key));
        parsed.string(ALIAS).ifPresent(name -> spring.add("--med42.server.model-name=" + name));
        for (String extra : parsed.positional()) {
            if (!extra.startsWith("--")) {
                throw new UsageException(
                        "unexpected argument '" + extra + "': Spring Boot properties go after --, as --name=value");
            }
            spring.add(extra);
        }
        return spring;
    }

    static String usage() {
        StringBuilder s = new StringBuilder("usage: med42 serve -m FILE [options] [-- --spring.property=value ...]\n");
        s.append(
                "An OpenAI-compatible server: /v1/chat/completions, /v1/completions, /v1/models, /health, /metrics.\n\n");
        for (Option option : ALL) {
            String names = String.join(", ", option.names()) + (option.takesValue() ? " " + option.valueName() : "");
            s.append(String.format("  %-24s %s%n", names, option.description()));
        }
        return s.toString();
    }
}
