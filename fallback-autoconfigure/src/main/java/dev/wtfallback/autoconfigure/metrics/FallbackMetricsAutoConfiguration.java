package dev.wtfallback.autoconfigure.metrics;

import dev.wtfallback.metrics.FallbackMeterBinder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * of the {@link FallbackMeterBinder}, when a {@link MeterRegistry} bean exists.
 *
 * <p>The binder is also a {@link dev.wtfallback.core.FallbackListener} bean, so the sessions,
 * the SSE hub and the handshake checks report their events to it. A binder defined by the
 * application replaces it.
 */
@AutoConfiguration(after = { MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
		SimpleMetricsExportAutoConfiguration.class })
@ConditionalOnClass({ MeterBinder.class, MetricsAutoConfiguration.class })
@ConditionalOnBean(MeterRegistry.class)
public final class FallbackMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	FallbackMeterBinder fallbackMeterBinder() {
		return new FallbackMeterBinder();
	}

}
