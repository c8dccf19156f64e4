package dev.med42.spring.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer metrics of the Med42 chat models, embedded or remote, when the application has a {@link MeterRegistry}
 * (as with the actuator). The listener joins the chat models like any other {@code ChatModelListener} bean.
 */
@AutoConfiguration(
        after = {Med42AutoConfiguration.class, Med42RemoteAutoConfiguration.class},
        // The registry's auto-configuration, by name: Spring Boot's metrics module is optional here.
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({MeterRegistry.class, Med42Properties.class})
public final class Med42MetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Med42MetricsListener med42MetricsListener(MeterRegistry registry) {
        return new Med42MetricsListener(registry);
    }
}
