package dev.med42.cli;

import dev.med42.gguf.GGUFArray;
import dev.med42.gguf.GGUFFile;
import dev.med42.gguf.GGUFTensorInfo;
import dev.med42.gguf.GGUFValue;
import dev.med42.gguf.GGUFValueType;
import dev.med42.quant.GGMLType;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code med42 info -m FILE}: the metadata and tensor table of a GGUF model in the spirit of gguf-dump, with
 * its parameter count and bits per weight, and the files it is stored in when there are several.
 */
final class InfoCommand implements Command {
    static final Option MODEL =
            Option.value("FILE", "GGUF model file (or any part or shard of a split model)", "-m", "--model");

    /** Arrays up to this length are shown in full, longer ones as {@code [TYPE × N]}. */
    static final int SHOWN_ARRAY_ELEMENTS = 8;
    /** Strings longer than this many characters are cut, with an ellipsis. */
    static final int SHOWN_STRING_CHARS = 60;

    @Override
    public String name() {
        return "info";
    }

    @Override
    public String summary() {
        return "print a GGUF file's metadata, tensor table, parameter count and bits per weight";
    }

    @Override
    public List<Option> options() {
        return List.of(MODEL);
    }

    @Override
    public int run(Arguments args, PrintStream out, PrintStream err) throws Exception {
        if (!args.positional().isEmpty()) {
            throw new UsageException(
                    "unexpected argument '" + args.positional().getFirst() + "' (the model goes after -m)");
        }
        try (GGUFFile file = GGUFFile.open(args.requiredPath(MODEL))) {
            print(file, out);
        }
        return 0;
    }

    static void print(GGUFFile file, PrintStream out) throws IOException {
        out.printf(
                Locale.ROOT,
                "* File: %s (GGUF v%d, %,d bytes, alignment %d)%n",
                file.path(),
                file.version(),
                file.byteSize(),
                file.alignment());
        List<Path> parts = file.parts();
        if (parts.size() > 1) {
            out.printf(Locale.ROOT, "* Stored in %d files:%n", parts.size());
            for (int i = 0; i < parts.size(); i++) {
                out.printf(Locale.ROOT, "  %4d: %s (%,d bytes)%n", i + 1, parts.get(i), Files.size(parts.get(i)));
            }
        }

        out.printf(Locale.ROOT, "* %d key/value pairs:%n", file.metadata().size());
        int i = 1;
        for (Map.Entry<String, GGUFValue> e : file.metadata().asMap().entrySet()) {
            GGUFValue v = e.getValue();
            String type = v.value() instanceof GGUFArray a
                    ? "[" + a.elementType() + "]"
                    : v.type().toString();
            out.printf(Locale.ROOT, "  %4d: %-9s %s = %s%n", i++, type, e.getKey(), show(v.type(), v.value()));
        }

        out.printf(Locale.ROOT, "* %d tensors:%n", file.tensors().size());
        i = 1;
        for (GGUFTensorInfo t : file.tensors()) {
            String shape = Arrays.stream(t.shape()).mapToObj(Long::toString).collect(Collectors.joining(" x "));
            out.printf(
                    Locale.ROOT,
                    "  %4d: %-7s %-32s %-16s %,14d weights %,15d bytes%n",
                    i++,
                    t.type(),
                    t.name(),
                    shape,
                    t.elementCount(),
                    t.byteSize());
        }

        record Total(int tensors, long weights, long bytes) {
            Total plus(GGUFTensorInfo t) {
                return new Total(tensors + 1, weights + t.elementCount(), bytes + t.byteSize());
            }
        }
        var byType = new LinkedHashMap<GGMLType, Total>();
        var all = new Total(0, 0, 0);
        for (GGUFTensorInfo t : file.tensors()) {
            byType.merge(t.type(), new Total(0, 0, 0).plus(t), (a, b) -> a.plus(t));
            all = all.plus(t);
        }
        out.printf(Locale.ROOT, "* Parameters: %,d (%s)%n", all.weights(), count(all.weights()));
        out.printf(
                Locale.ROOT,
                "* Tensor data: %,d bytes (%s), %.2f bits per weight%n",
                all.bytes(),
                bytes(all.bytes()),
                bitsPerWeight(all.bytes(), all.weights()));
        byType.forEach((type, total) -> out.printf(
                Locale.ROOT,
                "  %-7s %4d tensors %,16d weights %,17d bytes %6.2f bits per weight%n",
                type,
                total.tensors(),
                total.weights(),
                total.bytes(),
                bitsPerWeight(total.bytes(), total.weights())));
    }

    /** A metadata value on one line: strings quoted, escaped and cut; short arrays in full, long ones counted. */
    static String show(GGUFValueType type, Object value) {
        return switch (value) {
            case String s -> quote(s);
            case GGUFArray a when a.size() > SHOWN_ARRAY_ELEMENTS -> "[" + a.elementType() + " × " + a.size() + "]";
            case GGUFArray a -> {
                var shown = new StringBuilder("[");
                for (int i = 0; i < a.size(); i++) {
                    shown.append(i > 0 ? ", " : "").append(show(a.elementType(), a.get(i)));
                }
                yield shown.append(']').toString();
            }
            case Long n when type == GGUFValueType.UINT64 -> Long.toUnsignedString(n);
            default -> String.valueOf(value);
        };
    }

    /** {@code s} in double quotes, with control characters escaped and cut after {@link #SHOWN_STRING_CHARS}. */
    static String quote(String s) {
        boolean cut = s.codePointCount(0, s.length()) > SHOWN_STRING_CHARS;
        String shown = cut ? s.substring(0, s.offsetByCodePoints(0, SHOWN_STRING_CHARS)) : s;
        var quoted = new StringBuilder("\"");
        shown.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        quoted.append(String.format(Locale.ROOT, "\\u%04x", c));
                    } else {
                        quoted.appendCodePoint(c);
                    }
                }
            }
        });
        return quoted.append(cut ? "…\"" : "\"").toString();
    }

    private static double bitsPerWeight(long bytes, long weights) {
        return weights == 0 ? 0 : bytes * 8.0 / weights;
    }

    /** A weight count in K, M or B (decimal, as model sizes are named: 70B). */
    static String count(long n) {
        if (n >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2f B", n / 1e9);
        }
        if (n >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.2f M", n / 1e6);
        }
        return n >= 1_000L ? String.format(Locale.ROOT, "%.2f K", n / 1e3) : Long.toString(n);
    }

    /** A byte count in KiB, MiB or GiB. */
    static String bytes(long n) {
        if (n >= 1L << 30) {
            return String.format(Locale.ROOT, "%.2f GiB", n / (double) (1L << 30));
        }
        if (n >= 1L << 20) {
            return String.format(Locale.ROOT, "%.2f MiB", n / (double) (1L << 20));
        }
        return n >= 1L << 10 ? String.format(Locale.ROOT, "%.2f KiB", n / 1024.0) : n + " bytes";
    }
}
