package dev.med42.samples.summarizer.summary;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.med42.generate.SessionPool;
import dev.med42.langchain4j.Med42TokenCountEstimator;
import dev.med42.samples.summarizer.note.NoteChunker;
import dev.med42.spring.autoconfigure.Med42Properties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/** The summarizer over the starter's beans: its streaming chat model, and its model's tokenizer and context. */
@Configuration(proxyBeanMethods = false)
class SummarizerConfiguration {
    /** Lazy, like the starter's model beans, so that med42.model.load-on-startup=false holds. */
    @Bean
    @Lazy
    NoteSummarizer noteSummarizer(StreamingChatModel chatModel, SessionPool sessions, Med42Properties properties) {
        int contextSize = sessions.contextSize();
        Integer maxTokens = properties.getGeneration().getMaxTokens();
        return new NoteSummarizer(
                chatModel,
                new Med42TokenCountEstimator(sessions.model()),
                new NoteChunker(sessions.model().tokenizer()),
                properties.getDisclaimer().toDisclaimer(),
                contextSize,
                maxTokens != null ? maxTokens : defaultAnswerTokens(contextSize));
    }

    /**
     * Makes the summarizer while the application starts when the model is loaded then (the default), so that a
     * context too small for the answers fails startup rather than the first summary.
     */
    @Bean
    static SmartInitializingSingleton noteSummarizerAtStartup(
            ObjectProvider<NoteSummarizer> summarizer, ObjectProvider<Med42Properties> properties) {
        return () -> {
            if (properties.getObject().getModel().isLoadOnStartup()) {
                summarizer.getObject();
            }
        };
    }

    /**
     * An eighth of the context, between 64 and 512 tokens: 512 for Med42's 4096 (room for a full summary), 64 for
     * the demo model's 512 (room for a few hundred tokens of note per piece, so long notes show the map-reduce).
     */
    static int defaultAnswerTokens(int contextSize) {
        return Math.clamp(contextSize / 8, 64, 512);
    }
}
