package dev.wtfallback.autoconfigure.metrics;

import dev.wtfallback.autoconfigure.server.FallbackServerAutoConfiguration;
import dev.wtfallback.autoconfigure.websocket.WebSocketFallbackAutoConfiguration;
import dev.wtfallback.core.OnConnect;
import dev.wtfallback.core.Transport;
import dev.wtfallback.core.qmux.QmuxRuntime;
import dev.wtfallback.metrics.FallbackMeterBinder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FallbackMetricsAutoConfiguration}.
 */
class FallbackMetricsAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, FallbackServerAutoConfiguration.class,
				WebSocketFallbackAutoConfiguration.class, FallbackMetricsAutoConfiguration.class))
		.withUserConfiguration(OnConnectConfiguration.class);

	@Test
	void sessionEventsReachTheMetersThroughTheRuntime() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(FallbackMeterBinder.class);

			context.getBean(QmuxRuntime.class).listener().sessionOpened(Transport.WEBSOCKET);

			assertThat(context.getBean(MeterRegistry.class)
				.get("fallback.sessions.active")
				.tag("transport", "websocket")
				.gauge()
				.value()).isEqualTo(1);
		});
	}

	@Test
	void backsOffWithoutMeterRegistry() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(FallbackServerAutoConfiguration.class,
					WebSocketFallbackAutoConfiguration.class, FallbackMetricsAutoConfiguration.class))
			.withUserConfiguration(OnConnectConfiguration.class)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(FallbackMeterBinder.class)
				.hasSingleBean(QmuxRuntime.class));
	}

	@Test
	void backsOffWithoutMicrometer() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("io.micrometer.core"))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(FallbackMeterBinder.class)
				.hasSingleBean(QmuxRuntime.class));
	}

	@Test
	void userBinderWins() {
		this.contextRunner.withBean("userBinder", FallbackMeterBinder.class, FallbackMeterBinder::new)
			.run((context) -> assertThat(context).getBean(FallbackMeterBinder.class)
				.isSameAs(context.getBean("userBinder")));
	}

	@Test
	void binderWorksWithAnyRegistry() {
		this.contextRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> assertThat(context).hasSingleBean(FallbackMeterBinder.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class OnConnectConfiguration {

		@Bean
		OnConnect onConnect() {
			return (connection) -> {
			};
		}

	}

}
