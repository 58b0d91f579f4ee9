package dev.wtfallback.autoconfigure.actuate;

import dev.wtfallback.autoconfigure.server.FallbackServerAutoConfiguration;
import dev.wtfallback.web.server.FallbackSessionRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * of the {@code fallback} health contributor, unless
 * {@code management.health.fallback.enabled} is {@code false}.
 */
@AutoConfiguration(after = FallbackServerAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnEnabledHealthIndicator("fallback")
@ConditionalOnBean(FallbackSessionRegistry.class)
public final class FallbackHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "fallbackHealthIndicator")
	FallbackHealthIndicator fallbackHealthIndicator(FallbackSessionRegistry registry) {
		return new FallbackHealthIndicator(registry);
	}

}
