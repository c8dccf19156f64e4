package dev.med42.langchain4j;

import dev.med42.chat.Disclaimer;
import dev.med42.chat.Med42ChatTemplate;
import dev.med42.chat.Prompt;
import dev.med42.generate.GenerationOptions;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * Where the answers are generated: in this JVM ({@link LocalEngine}) or by a remote OpenAI-compatible server ({@link
 * RemoteEngine}). Everything else, the request's checks and parameters, the messages and the template, the
 * disclaimer and the listeners, the chat models do the same way for both. Thread-safe.
 */
interface Engine extends AutoCloseable {

    /** The name of the model that answers. */
    String modelName();

    /** The template to use when no system prompt is configured. */
    Med42ChatTemplate defaultTemplate();

    /**
     * Generates the answer to a rendered conversation, on the calling thread.
     *
     * @param pieces receives the text as it is generated, in order; the pieces add up to the answer's text
     * @param cancel stops the generation; what is returned or thrown after a cancellation is to be ignored
     * @throws dev.langchain4j.exception.LangChain4jException (or a subclass) when no answer can be had
     */
    Answer generate(Prompt prompt, GenerationOptions options, Consumer<String> pieces, CancelSignal cancel);

    /** Where streams run: threads fit for the work that {@link #generate} does. */
    ThreadFactory streamThreads();

    /**
     * The context in tokens, the conversation and its answer together.
     *
     * @throws UnsupportedOperationException when the engine cannot know it
     */
    int contextSize();

    /**
     * Counts tokens as this engine does.
     *
     * @throws UnsupportedOperationException when the tokenizer is not here
     */
    Med42TokenCountEstimator tokenCountEstimator(Med42ChatTemplate template, Disclaimer disclaimer);

    @Override
    void close();
}
