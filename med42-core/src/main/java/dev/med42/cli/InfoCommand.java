package dev.med42.cli;

import dev.med42.gguf.GGUFFile;
import dev.med42.gguf.GGUFTensorInfo;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code med42 info -m FILE}: the metadata and tensor table of a GGUF file, in the spirit of gguf-dump. */
final class InfoCommand implements Command {
    static final Option MODEL = Option.value("FILE", "GGUF model file (or the stem of a split model)", "-m", "--model");

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
        try (GGUFFile file = GGUFFile.open(args.requiredPath(MODEL))) {
            print(file, out);
        }
        return 0;
    }

    static void print(GGUFFile file, PrintStream out) {
        out.printf(
                "* File: %s (GGUF v%d, %,d bytes, alignment %d)%n",
                file.path(), file.version(), file.byteSize(), file.alignment());
        out.printf("* %d key/value pairs:%n", file.metadata().size());
        int i = 1;
        for (Map.Entry<String, dev.med42.gguf.GGUFValue> e :
                file.metadata().asMap().entrySet()) {
            out.printf("  %4d: %-8s %-45s = %s%n", i++, e.getValue().type(), e.getKey(), e.getValue());
        }
        out.printf("* %d tensors:%n", file.tensors().size());
        long params = 0;
        long bytes = 0;
        i = 1;
        for (GGUFTensorInfo t : file.tensors()) {
            String shape = Arrays.stream(t.shape()).mapToObj(Long::toString).collect(Collectors.joining(" x "));
            out.printf("  %4d: %-6s %-28s %-20s %,14d bytes%n", i++, t.type(), t.name(), shape, t.byteSize());
            params += t.elementCount();
            bytes += t.byteSize();
        }
        out.printf("* parameters: %,d (%.2f B)%n", params, params / 1e9);
        out.printf(
                "* tensor data: %,d bytes (%.2f GiB), %.2f bits per weight%n",
                bytes, bytes / (double) (1L << 30), params == 0 ? 0.0 : bytes * 8.0 / params);
        file.bytesByType().forEach((type, b) -> out.printf("    %-6s %,14d bytes%n", type, b));
    }
}
