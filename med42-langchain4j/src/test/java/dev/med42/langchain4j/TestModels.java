package dev.med42.langchain4j;

import dev.med42.generate.SessionPool;
import dev.med42.model.KVCacheType;
import dev.med42.model.LlamaModel;
import dev.med42.testing.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The model the real-model tests run on: {@code stories260K.gguf} (trained weights, but a tokenizer that does not
 * match them, so its text is gibberish), or another test model named by the system property {@code
 * med42.test.model}, relative to the test data root (for example {@code synthetic/tiny-Q8_0.gguf}). Nothing in the
 * tests depends on which.
 */
final class TestModels {
    /** Room for the default system prompt, a few turns and their answers, whatever the model's trained context. */
    static final int CONTEXT_SIZE = 512;

    private static LlamaModel shared;
    private static SessionPool sessions;

    private TestModels() {}

    /** One loaded copy for all tests of a JVM, as an application would share it between its beans. */
    static synchronized LlamaModel shared() {
        if (shared == null) {
            String file = System.getProperty("med42.test.model", "stories260K.gguf");
            try {
                shared = LlamaModel.load(TestData.file(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    /**
     * One session pool over {@link #shared()} for the tests' models. Chat models built on it do not own it, so
     * closing them (as JUnit does with the arguments of a parameterized test) leaves it open for the next test.
     */
    static synchronized SessionPool sessions() {
        if (sessions == null) {
            sessions = new SessionPool(shared(), 1, CONTEXT_SIZE, KVCacheType.F16);
        }
        return sessions;
    }

    static Med42ChatModel.Builder chatModel() {
        return Med42ChatModel.builder().sessionPool(sessions());
    }

    static Med42StreamingChatModel.Builder streamingChatModel() {
        return Med42StreamingChatModel.builder().sessionPool(sessions());
    }
}
