package dev.med42.spring.autoconfigure;

import dev.med42.testing.TestData;
import java.nio.file.Path;

/**
 * The model the tests load: {@code stories260K.gguf} from med42-core's test data (trained weights with a tokenizer
 * that does not match them, so its answers are gibberish; no test depends on what it says).
 */
final class TestModels {
    /** Room for the default system prompt, a question and a short answer; its trained context is 128. */
    static final int CONTEXT_SIZE = 512;

    private TestModels() {}

    static Path stories() {
        return TestData.file("stories260K.gguf");
    }

    /** The properties that configure the test model. */
    static String[] storiesProperties() {
        return new String[] {"med42.model.path=" + stories(), "med42.model.context-size=" + CONTEXT_SIZE};
    }
}
