package dev.med42.cli;

import java.util.List;

/**
 * One command-line option as llama.cpp spells it: its names ({@code -m}, {@code --model}), whether it takes
 * a value, the value's placeholder and a one-line description for the help text.
 */
public record Option(List<String> names, String valueName, String description) {
    public Option {
        names = List.copyOf(names);
        if (names.isEmpty()) {
            throw new IllegalArgumentException("an option needs a name");
        }
    }

    /** An option that takes a value, e.g. {@code value("FILE", "model path", "-m", "--model")}. */
    public static Option value(String valueName, String description, String... names) {
        return new Option(List.of(names), valueName, description);
    }

    /** An option without a value, e.g. {@code flag("leave out BOS", "--no-bos")}. */
    public static Option flag(String description, String... names) {
        return new Option(List.of(names), null, description);
    }

    public boolean takesValue() {
        return valueName != null;
    }

    /** The first, usually shortest, name. */
    public String name() {
        return names.getFirst();
    }

    String usage() {
        return String.join(", ", names) + (takesValue() ? " " + valueName : "");
    }
}
