package dev.med42.spring.autoconfigure.server;

import dev.med42.spring.autoconfigure.Med42AutoConfiguration;
import dev.med42.spring.autoconfigure.Med42ModelLoader;
import dev.med42.spring.autoconfigure.Med42Properties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAI-compatible HTTP API over the starter's model, with continuous batching: {@code POST
 * /v1/chat/completions}, {@code POST /v1/completions}, {@code GET /v1/models}, {@code GET /health} and {@code GET
 * /metrics}. Active with {@code med42.server.enabled=true} in a servlet web application (Spring MVC) that has the
 * model ({@code med42.model.path}).
 *
 * <p>It lives in the starter rather than a module of its own because it is the same model, properties and disclaimer
 * configuration served another way; Spring MVC and Jackson are optional dependencies, so applications without them
 * are unaffected.
 */
@AutoConfiguration(
        after = Med42AutoConfiguration.class,
        // The JsonMapper's auto-configuration, by name: Spring Boot's Jackson module is optional here.
        afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({DispatcherServlet.class, JsonMapper.class})
@ConditionalOnProperty(prefix = "med42.server", name = "enabled", havingValue = "true")
@ConditionalOnBean({Med42ModelLoader.class, JsonMapper.class})
public final class Med42ServerAutoConfiguration {

    @Bean
    ServedModel med42ServedModel(Med42ModelLoader loader, Med42Properties properties) {
        return new ServedModel(loader, properties);
    }

    @Bean
    ServerMetrics med42ServerMetrics() {
        return new ServerMetrics();
    }

    @Bean
    ChatCompletionsController med42ChatCompletionsController(
            ServedModel served, JsonMapper json, Med42Properties properties, ServerMetrics metrics) {
        return new ChatCompletionsController(served, json, properties, metrics);
    }

    @Bean
    CompletionsController med42CompletionsController(
            ServedModel served, JsonMapper json, Med42Properties properties, ServerMetrics metrics) {
        return new CompletionsController(served, json, properties, metrics);
    }

    @Bean
    ModelsController med42ModelsController(ServedModel served) {
        return new ModelsController(served);
    }

    @Bean
    HealthController med42HealthController(ServedModel served) {
        return new HealthController(served);
    }

    @Bean
    MetricsController med42MetricsController(ServedModel served, ServerMetrics metrics) {
        return new MetricsController(served, metrics);
    }

    @Bean
    UnknownRouteController med42UnknownRouteController() {
        return new UnknownRouteController();
    }

    @Bean
    ApiExceptionHandler med42ApiExceptionHandler() {
        return new ApiExceptionHandler();
    }

    /** The API key check on the API and the metrics; {@code /health} stays open, as in llama.cpp. */
    @Bean
    @ConditionalOnProperty(prefix = "med42.server", name = "api-key")
    WebMvcConfigurer med42ApiKeyCheck(Med42Properties properties, JsonMapper json) {
        ApiKeyInterceptor check = new ApiKeyInterceptor(properties.getServer().getApiKey(), json);
        return new WebMvcConfigurer() {
            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(check)
                        .addPathPatterns("/v1/**", "/metrics")
                        .excludePathPatterns("/v1/health");
            }
        };
    }
}
