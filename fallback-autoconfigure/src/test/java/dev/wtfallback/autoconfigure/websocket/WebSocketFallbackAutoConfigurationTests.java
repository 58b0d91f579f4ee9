package dev.wtfallback.autoconfigure.websocket;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.wtfallback.core.OnConnect;
import dev.wtfallback.core.qmux.QmuxRuntime;
import dev.wtfallback.core.qmux.QmuxSettings;
import dev.wtfallback.autoconfigure.server.FallbackServerAutoConfiguration;
import dev.wtfallback.web.socket.QmuxHandshakeHandler;
import dev.wtfallback.web.socket.QmuxHandshakeInterceptor;
import dev.wtfallback.web.socket.QmuxWebSocketHandler;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.handler.SimpleUrlHandlerMapping;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.handler.WebSocketHandlerDecorator;
import org.springframework.web.socket.server.support.OriginHandshakeInterceptor;
import org.springframework.web.socket.server.support.WebSocketHttpRequestHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WebSocketFallbackAutoConfiguration}.
 */
class WebSocketFallbackAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(FallbackServerAutoConfiguration.class, WebSocketFallbackAutoConfiguration.class));

	@Test
	void backsOffWithoutOnConnectBean() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(QmuxWebSocketHandler.class)
			.doesNotHaveBean(QmuxRuntime.class));
	}

	@Test
	void backsOffWhenDisabled() {
		this.contextRunner.withUserConfiguration(OnConnectConfiguration.class)
			.withPropertyValues("fallback.websocket.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(QmuxWebSocketHandler.class)
				.doesNotHaveBean(WebSocketFallbackProperties.class));
	}

	@Test
	void backsOffWithoutSpringWebSocket() {
		this.contextRunner.withUserConfiguration(OnConnectConfiguration.class)
			.withClassLoader(new FilteredClassLoader(WebSocketConfigurer.class))
			.run((context) -> assertThat(context).doesNotHaveBean(QmuxWebSocketHandler.class));
	}

	@Test
	void backsOffWithoutWebSocketContainer() {
		this.contextRunner.withUserConfiguration(OnConnectConfiguration.class)
			.withClassLoader(new FilteredClassLoader("jakarta.websocket"))
			.run((context) -> assertThat(context).doesNotHaveBean(QmuxWebSocketHandler.class));
	}

	@Test
	void backsOffInNonWebApplication() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(WebSocketFallbackAutoConfiguration.class))
			.withUserConfiguration(OnConnectConfiguration.class)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(QmuxWebSocketHandler.class));
	}

	@Test
	void registersHandlerAtDefaultPathWithQmuxHandshake() {
		this.contextRunner.withUserConfiguration(OnConnectConfiguration.class).run((context) -> {
			WebSocketHttpRequestHandler endpoint = endpoint(context.getBean("webSocketHandlerMapping",
					SimpleUrlHandlerMapping.class), "/wt");

			assertThat(WebSocketHandlerDecorator.unwrap(endpoint.getWebSocketHandler()))
				.isSameAs(context.getBean(QmuxWebSocketHandler.class));
			assertThat(endpoint.getHandshakeHandler()).isSameAs(context.getBean(QmuxHandshakeHandler.class));
			assertThat(context.getBean(QmuxHandshakeHandler.class).getSupportedProtocols())
				.containsExactly("qmux-02", "qmux-01");
		});
	}

	@Test
	void registersHandlerAtConfiguredPathWithConfiguredOrigins() {
		this.contextRunner.withUserConfiguration(OnConnectConfiguration.class)
			.withPropertyValues("fallback.websocket.path=/sessions", "fallback.websocket.protocols=chat,echo",
					"fallback.websocket.require-protocol=true",
					"fallback.security.allowed-origins=https://app.example,https://*.example.org")
			.run((context) -> {
				WebSocketHttpRequestHandler endpoint = endpoint(context.getBean("webSocketHandlerMapping",
						SimpleUrlHandlerMapping.class), "/sessions");

				assertThat(endpoint.getHandshakeInterceptors()).hasSize(2);
				assertThat(endpoint.getHandshakeInterceptors().get(0)).isInstanceOf(QmuxHandshakeInterceptor.class);
				assertThat(endpoint.getHandshakeInterceptors().get(1))
					.isInstanceOfSatisfying(OriginHandshakeInterceptor.class, (origins) -> assertThat(
							origins.getAllowedOriginPatterns())
						.containsExactly("https://app.example", "https://*.example.org"));
				assertThat(context.getBean(QmuxHandshakeHandler.class).getSupportedProtocols())
					.containsExactly("qmux-02.chat", "qmux-01.chat", "qmux-02.echo", "qmux-01.echo");
			});
	}

	@Test
	void defaultSettingsMatchTheEngineDefaults() {
		this.contextRunner.withUserConfiguration(OnConnectConfiguration.class)
			.run((context) -> assertThat(context.getBean(QmuxSettings.class)).isEqualTo(QmuxSettings.defaults()));
	}

	@Test
	void propertiesMapToSettings() {
		this.contextRunner.withUserConfiguration(OnConnectConfiguration.class)
			.withPropertyValues("fallback.websocket.idle-timeout=45s", "fallback.websocket.initial-max-data=4MB",
					"fallback.websocket.initial-max-stream-data=64KB",
					"fallback.websocket.initial-max-stream-data-uni=32KB", "fallback.websocket.max-streams-bidi=10",
					"fallback.websocket.max-streams-uni=5", "fallback.websocket.max-datagram-frame-size=0",
					"fallback.websocket.max-record-size=64KB", "fallback.websocket.send-buffer-limit=2MB",
					"fallback.websocket.datagram-queue-capacity=16")
			.run((context) -> assertThat(context.getBean(QmuxSettings.class)).isEqualTo(new QmuxSettings(
					Duration.ofSeconds(45), 4 * 1024 * 1024, 64 * 1024, 64 * 1024, 32 * 1024, 10, 5, 0, 64 * 1024,
					2 * 1024 * 1024, 16)));
	}

	@Test
	void runtimeIsClosedWithTheContext() {
		this.contextRunner.withUserConfiguration(OnConnectConfiguration.class).run((context) -> {
			QmuxRuntime runtime = context.getBean(QmuxRuntime.class);
			context.close();

			assertThat(runtime.executor().isShutdown()).isTrue();
			assertThat(runtime.scheduler().isShutdown()).isTrue();
		});
	}

	@Test
	void userBeansWin() {
		this.contextRunner.withUserConfiguration(OnConnectConfiguration.class, UserBeansConfiguration.class)
			.run((context) -> {
				assertThat(context).getBean(QmuxSettings.class).isSameAs(context.getBean("userSettings"));
				assertThat(context).getBean(QmuxRuntime.class).isSameAs(context.getBean("userRuntime"));
				assertThat(context).getBean(QmuxWebSocketHandler.class).isSameAs(context.getBean("userHandler"));
				assertThat(context).getBean(QmuxHandshakeHandler.class)
					.isSameAs(context.getBean("userHandshakeHandler"));
			});
	}

	@Test
	void invalidValuesFailStartupNamingTheProperty() {
		Map<String, String> invalid = Map.of("fallback.websocket.max-record-size=100B",
				"fallback.websocket.max-record-size must be between 16382B and",
				"fallback.websocket.path=wt", "fallback.websocket.path must start with '/', was 'wt'",
				"fallback.websocket.protocols=chat/1", "fallback.websocket.protocols must hold HTTP tokens",
				"fallback.websocket.require-protocol=true", "fallback.websocket.require-protocol is true, but",
				"fallback.websocket.idle-timeout=-1s", "fallback.websocket.idle-timeout must be zero or positive",
				"fallback.websocket.datagram-queue-capacity=0",
				"fallback.websocket.datagram-queue-capacity must be between 1 and",
				"fallback.websocket.initial-max-stream-data-uni=-1B",
				"fallback.websocket.initial-max-stream-data-uni must be between 0B and");
		invalid.forEach((property, message) -> this.contextRunner.withUserConfiguration(OnConnectConfiguration.class)
			.withPropertyValues(property)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(BindValidationException.class)
				.hasMessageContaining(message)));
	}

	private static WebSocketHttpRequestHandler endpoint(SimpleUrlHandlerMapping mapping, String path) {
		assertThat(mapping.getUrlMap()).containsOnlyKeys(path);
		return (WebSocketHttpRequestHandler) mapping.getUrlMap().get(path);
	}

	@Configuration(proxyBeanMethods = false)
	static class OnConnectConfiguration {

		@Bean
		OnConnect onConnect() {
			return (connection) -> {
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeansConfiguration {

		@Bean
		QmuxSettings userSettings() {
			return QmuxSettings.builder().maxRecordSize(32768).build();
		}

		@Bean(destroyMethod = "close")
		QmuxRuntime userRuntime() {
			return QmuxRuntime.create("user-");
		}

		@Bean
		QmuxWebSocketHandler userHandler(QmuxSettings settings, QmuxRuntime runtime, OnConnect onConnect) {
			return new QmuxWebSocketHandler(settings, runtime, onConnect);
		}

		@Bean
		QmuxHandshakeHandler userHandshakeHandler() {
			return new QmuxHandshakeHandler(List.of("custom"), true);
		}

	}

}
