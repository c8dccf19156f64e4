package dev.med42.spring.autoconfigure;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.med42.langchain4j.Med42ChatModel;
import dev.med42.langchain4j.Med42StreamingChatModel;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Med42 on a remote OpenAI-compatible server (vLLM, llama.cpp's server, {@code ./med42 serve}) as LangChain4j {@link
 * ChatModel} and {@link StreamingChatModel} beans, active when {@code med42.remote.base-url} is set. No model file is
 * needed here: the adapter renders the Med42 prompt and the server generates; the generation and disclaimer settings
 * and the listeners apply as for the embedded model. Every bean backs off when the application defines its own.
 *
 * <p>Before {@link Med42AutoConfiguration}, so that when both a base URL and a model path are set, the report of the
 * properties' validation (which refuses the two together) is what stops startup.
 */
@AutoConfiguration(before = Med42AutoConfiguration.class)
@ConditionalOnProperty(prefix = "med42.remote", name = "base-url")
@EnableConfigurationProperties(Med42Properties.class)
public final class Med42RemoteAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(ChatModel.class)
    Med42ChatModel med42ChatModel(Med42Properties properties, ObjectProvider<ChatModelListener> listeners) {
        Med42Properties.Remote remote = properties.getRemote();
        return Med42ChatModel.builder()
                .baseUrl(remote.getBaseUrl())
                .apiKey(remote.getApiKey())
                .remoteModel(remote.getModel())
                .connectTimeout(remote.getConnectTimeout())
                .readTimeout(remote.getReadTimeout())
                .maxRetries(remote.getMaxRetries())
                .defaultRequestParameters(Med42AutoConfiguration.defaultRequestParameters(properties.getGeneration()))
                .systemPrompt(properties.getGeneration().getSystemPrompt())
                .disclaimer(properties.getDisclaimer().toDisclaimer())
                .listeners(listeners.orderedStream().toList())
                .build();
    }

    @Bean
    @ConditionalOnMissingBean(StreamingChatModel.class)
    Med42StreamingChatModel med42StreamingChatModel(
            Med42Properties properties, ObjectProvider<ChatModelListener> listeners) {
        Med42Properties.Remote remote = properties.getRemote();
        return Med42StreamingChatModel.builder()
                .baseUrl(remote.getBaseUrl())
                .apiKey(remote.getApiKey())
                .remoteModel(remote.getModel())
                .connectTimeout(remote.getConnectTimeout())
                .readTimeout(remote.getReadTimeout())
                .maxRetries(remote.getMaxRetries())
                .defaultRequestParameters(Med42AutoConfiguration.defaultRequestParameters(properties.getGeneration()))
                .systemPrompt(properties.getGeneration().getSystemPrompt())
                .disclaimer(properties.getDisclaimer().toDisclaimer())
                .listeners(listeners.orderedStream().toList())
                .build();
    }
}
