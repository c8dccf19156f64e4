package dev.med42.spring.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code med42} health contributor, when Spring Boot's health support is on the class path (as with the
 * actuator) and {@code management.health.med42.enabled} is not false: the model loaded in this JVM, or the remote
 * server.
 */
@AutoConfiguration(after = {Med42AutoConfiguration.class, Med42RemoteAutoConfiguration.class})
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(Med42Properties.class)
@ConditionalOnEnabledHealthIndicator("med42")
public final class Med42HealthContributorAutoConfiguration {

    @Bean
    @ConditionalOnBean(Med42ModelLoader.class)
    @ConditionalOnMissingBean(name = "med42HealthIndicator")
    Med42HealthIndicator med42HealthIndicator(Med42ModelLoader loader, Med42Properties properties) {
        return new Med42HealthIndicator(loader, properties.getModel().getContextSize());
    }

    @Bean("med42HealthIndicator")
    @ConditionalOnProperty(prefix = "med42.remote", name = "base-url")
    @ConditionalOnMissingBean(name = "med42HealthIndicator")
    Med42RemoteHealthIndicator med42RemoteHealthIndicator(Med42Properties properties) {
        Med42Properties.Remote remote = properties.getRemote();
        return new Med42RemoteHealthIndicator(remote.getBaseUrl(), remote.getModel(), remote.getConnectTimeout());
    }
}
