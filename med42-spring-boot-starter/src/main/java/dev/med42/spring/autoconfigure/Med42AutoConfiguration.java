package dev.med42.spring.autoconfigure;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.med42.generate.SessionPool;
import dev.med42.langchain4j.Med42ChatModel;
import dev.med42.langchain4j.Med42ChatRequestParameters;
import dev.med42.langchain4j.Med42StreamingChatModel;
import dev.med42.model.KVCacheType;
import dev.med42.model.LlamaModel;
import dev.med42.tensor.MatMul;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.LazyInitializationExcludeFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Lazy;

/**
 * Med42 in this JVM as LangChain4j {@link ChatModel} and {@link StreamingChatModel} beans, active when {@code
 * med42.model.path} is set (for a remote server see {@link Med42RemoteAutoConfiguration}). Both share one loaded model
 * and one session pool. Every bean backs off when the application defines its own.
 *
 * <p>The model, pool and chat models are lazy beans: the loader loads the file at startup unless {@code
 * med42.model.load-on-startup=false}, and then nothing touches it until a bean that needs it is first asked for.
 */
@AutoConfiguration
@ConditionalOnProperty(prefix = "med42.model", name = "path")
@EnableConfigurationProperties(Med42Properties.class)
public final class Med42AutoConfiguration {
    @Bean
    @ConditionalOnMissingBean
    Med42ModelLoader med42ModelLoader(Med42Properties properties) {
        Med42Properties.Model model = properties.getModel();
        Med42ModelLoader loader = new Med42ModelLoader(
                model.getPath(),
                model.getThreads() != null ? model.getThreads() : MatMul.defaultThreads(),
                model.getDownload().isEnabled() ? new DownloadOnStartup(model.getDownload()) : null);
        if (model.isLoadOnStartup()) {
            loader.load();
        }
        return loader;
    }

    /** Keeps the loader eager under {@code spring.main.lazy-initialization}, so that load-on-startup holds. */
    @Bean
    static LazyInitializationExcludeFilter med42ModelLoaderIsEager() {
        return LazyInitializationExcludeFilter.forBeanTypes(Med42ModelLoader.class);
    }

    @Bean(destroyMethod = "") // the loader owns the model and closes it
    @Lazy
    @ConditionalOnMissingBean
    LlamaModel med42LlamaModel(Med42ModelLoader loader) {
        return loader.load();
    }

    @Bean
    @Lazy
    @ConditionalOnMissingBean
    SessionPool med42SessionPool(LlamaModel model, Med42Properties properties) {
        Med42Properties.Model settings = properties.getModel();
        int contextSize = settings.getContextSize() != null
                ? settings.getContextSize()
                : model.config().contextLength();
        return new SessionPool(model, settings.getSessions(), contextSize, KVCacheType.F16);
    }

    @Bean
    @Lazy
    @ConditionalOnMissingBean(ChatModel.class)
    Med42ChatModel med42ChatModel(
            SessionPool sessions, Med42Properties properties, ObjectProvider<ChatModelListener> listeners) {
        return Med42ChatModel.builder()
                .sessionPool(sessions)
                .defaultRequestParameters(defaultRequestParameters(properties.getGeneration()))
                .systemPrompt(properties.getGeneration().getSystemPrompt())
                .disclaimer(properties.getDisclaimer().toDisclaimer())
                .listeners(ordered(listeners))
                .build();
    }

    @Bean
    @Lazy
    @ConditionalOnMissingBean(StreamingChatModel.class)
    Med42StreamingChatModel med42StreamingChatModel(
            SessionPool sessions, Med42Properties properties, ObjectProvider<ChatModelListener> listeners) {
        return Med42StreamingChatModel.builder()
                .sessionPool(sessions)
                .defaultRequestParameters(defaultRequestParameters(properties.getGeneration()))
                .systemPrompt(properties.getGeneration().getSystemPrompt())
                .disclaimer(properties.getDisclaimer().toDisclaimer())
                .listeners(ordered(listeners))
                .build();
    }

    static Med42ChatRequestParameters defaultRequestParameters(Med42Properties.Generation generation) {
        return Med42ChatRequestParameters.builder()
                .temperature(generation.getTemperature())
                .topK(generation.getTopK())
                .topP(generation.getTopP())
                .minP(generation.getMinP())
                .repeatPenalty(generation.getRepeatPenalty())
                .maxOutputTokens(generation.getMaxTokens())
                .seed(generation.getSeed())
                .build();
    }

    private static List<ChatModelListener> ordered(ObjectProvider<ChatModelListener> listeners) {
        return listeners.orderedStream().toList();
    }
}
