package dev.med42.samples.summarizer.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.med42.model.LlamaModel;
import java.util.Locale;

/**
 * What the page and the API say about the loaded model, and whether it is Med42.
 *
 * <p>The rule: Med42 is a Llama-2 model ({@code general.architecture = llama}) with Llama-2's 32000-token
 * vocabulary whose {@code general.name} or file name contains "med42" (ignoring case). The file name counts
 * because the published GGUF files were converted by a llama.cpp script that wrote {@code general.name = "LLaMA v2"}
 * for every 4096-context model. Anything else, the bundled demo model included, is a demo model, and the page says so.
 *
 * @param name GGUF {@code general.name}, else the file name
 * @param file the file name (never the directory: the page need not know the server's layout)
 * @param architecture GGUF {@code general.architecture}
 * @param vocabularySize tokens in the vocabulary
 * @param contextSize tokens per session (prompt and answer together)
 * @param med42 whether the rule above holds
 */
public record ModelInfo(
        String name, String file, String architecture, int vocabularySize, int contextSize, boolean med42) {

    static final int LLAMA2_VOCABULARY_SIZE = 32000;

    public static ModelInfo of(LlamaModel model, int contextSize) {
        String file = model.file().path().getFileName().toString();
        String architecture =
                model.file().metadata().getString("general.architecture").orElse("unknown");
        int vocabularySize = model.config().vocabularySize();
        String name = model.name();
        return new ModelInfo(
                name,
                file,
                architecture,
                vocabularySize,
                contextSize,
                isMed42(name, file, architecture, vocabularySize));
    }

    static boolean isMed42(String name, String file, String architecture, int vocabularySize) {
        return architecture.equals("llama")
                && vocabularySize == LLAMA2_VOCABULARY_SIZE
                && (mentionsMed42(name) || mentionsMed42(file));
    }

    private static boolean mentionsMed42(String text) {
        return text.toLowerCase(Locale.ROOT).contains("med42");
    }

    /** Whether the page shows the demo model banner. */
    @JsonProperty
    public boolean demo() {
        return !med42;
    }
}
