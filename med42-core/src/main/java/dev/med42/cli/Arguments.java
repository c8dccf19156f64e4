package dev.med42.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Parsed command-line arguments of one command. Values are taken literally: no escape processing, no
 * trimming (a prompt of {@code "a\nb"} stays five characters). {@code --name=value} is accepted too.
 */
public final class Arguments {
    private final Map<Option, String> values = new HashMap<>();
    private final List<String> positional = new ArrayList<>();

    private Arguments() {}

    /** Parses {@code args} against {@code options}; an unknown option or a missing value is a usage error. */
    public static Arguments parse(String command, List<Option> options, String[] args) throws UsageException {
        Map<String, Option> byName = new HashMap<>();
        options.forEach(o -> o.names().forEach(n -> byName.put(n, o)));
        Arguments result = new Arguments();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                result.positional.addAll(List.of(args).subList(i + 1, args.length));
                break;
            }
            if (!arg.startsWith("-") || arg.equals("-")) {
                result.positional.add(arg);
                continue;
            }
            String name = arg;
            String inlineValue = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                inlineValue = arg.substring(eq + 1);
            }
            Option option = byName.get(name);
            if (option == null) {
                throw new UsageException(
                        "unknown option " + name + " for '" + command + "' (see: med42 " + command + " --help)");
            }
            if (!option.takesValue()) {
                if (inlineValue != null) {
                    throw new UsageException("option " + name + " takes no value");
                }
                result.values.put(option, "");
            } else if (inlineValue != null) {
                result.values.put(option, inlineValue);
            } else if (i + 1 < args.length) {
                result.values.put(option, args[++i]);
            } else {
                throw new UsageException("option " + name + " needs a value (" + option.valueName() + ")");
            }
        }
        return result;
    }

    public boolean has(Option option) {
        return values.containsKey(option);
    }

    public Optional<String> string(Option option) {
        return Optional.ofNullable(values.get(option));
    }

    public String string(Option option, String defaultValue) {
        return values.getOrDefault(option, defaultValue);
    }

    public String required(Option option) throws UsageException {
        String value = values.get(option);
        if (value == null) {
            throw new UsageException("missing required option " + option.name() + " " + option.valueName());
        }
        return value;
    }

    public Path requiredPath(Option option) throws UsageException {
        return Path.of(required(option));
    }

    public int integer(Option option, int defaultValue) throws UsageException {
        String value = values.get(option);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new UsageException("option " + option.name() + " expects an integer, got '" + value + "'");
        }
    }

    public long longValue(Option option, long defaultValue) throws UsageException {
        String value = values.get(option);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new UsageException("option " + option.name() + " expects an integer, got '" + value + "'");
        }
    }

    public float number(Option option, float defaultValue) throws UsageException {
        String value = values.get(option);
        if (value == null) {
            return defaultValue;
        }
        try {
            float f = Float.parseFloat(value.strip());
            if (!Float.isFinite(f)) {
                throw new NumberFormatException();
            }
            return f;
        } catch (NumberFormatException e) {
            throw new UsageException("option " + option.name() + " expects a number, got '" + value + "'");
        }
    }

    public List<String> positional() {
        return List.copyOf(positional);
    }
}
