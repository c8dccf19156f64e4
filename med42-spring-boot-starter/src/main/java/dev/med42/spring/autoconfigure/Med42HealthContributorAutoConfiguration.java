package dev.med42.spring.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code med42} health contributor, when Spring Boot's health support is on the class path (as with the
 * actuator) and {@code management.health.med42.enabled} is not false.
 */
@AutoConfiguration(after = Med42AutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean({Med42ModelLoader.class, Med42Properties.class})
@ConditionalOnEnabledHealthIndicator("med42")
public final class Med42HealthContributorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "med42HealthIndicator")
    Med42HealthIndicator med42HealthIndicator(Med42ModelLoader loader, Med42Properties properties) {
        return new Med42HealthIndicator(loader, properties.getModel().getContextSize());
    }
}
