package dev.med42.samples.summarizer;

import dev.med42.model.LlamaModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** The bundled demo model (random weights, Llama-2's vocabulary, context 512), straight from the test class path. */
public final class DemoModel {
    private DemoModel() {}

    public static Path path() {
        try {
            return Path.of(DemoModel.class
                    .getResource("/demo-model/llama2vocab-tiny-Q4_K_M.gguf")
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static LlamaModel load() {
        try {
            return LlamaModel.load(path(), 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A synthetic example note from the page, as the page loads it. */
    public static String example(String name) {
        try (var in = DemoModel.class.getResourceAsStream("/static/examples/" + name + ".txt")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
