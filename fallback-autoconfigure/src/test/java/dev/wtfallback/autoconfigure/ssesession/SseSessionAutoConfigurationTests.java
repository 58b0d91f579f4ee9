package dev.wtfallback.autoconfigure.ssesession;

import dev.wtfallback.autoconfigure.server.FallbackServerAutoConfiguration;
import dev.wtfallback.autoconfigure.websocket.WebSocketFallbackAutoConfiguration;
import dev.wtfallback.core.OnConnect;
import dev.wtfallback.core.qmux.QmuxRuntime;
import dev.wtfallback.core.qmux.QmuxSettings;
import dev.wtfallback.web.socket.QmuxWebSocketHandler;
import dev.wtfallback.web.ssesession.SseSessionEndpoint;
import dev.wtfallback.web.ssesession.SseSessionRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SseSessionAutoConfiguration}.
 */
class SseSessionAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class, FallbackServerAutoConfiguration.class,
				WebSocketFallbackAutoConfiguration.class, SseSessionAutoConfiguration.class));

	@Test
	void backsOffWithoutOnConnectBean() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(SseSessionEndpoint.class)
			.doesNotHaveBean(QmuxRuntime.class));
	}

	@Test
	void backsOffWhenDisabled() {
		this.contextRunner.withUserConfiguration(OnConnectConfiguration.class)
			.withPropertyValues("fallback.sse-session.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(SseSessionEndpoint.class)
				.doesNotHaveBean(SseSessionProperties.class)
				.hasSingleBean(QmuxWebSocketHandler.class));
	}

	@Test
	void backsOffWithoutSpringWebMvc() {
		this.contextRunner.withUserConfiguration(OnConnectConfiguration.class)
			.withClassLoader(new FilteredClassLoader(DispatcherServlet.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(SseSessionEndpoint.class));
	}

	@Test
	void backsOffInNonWebApplication() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SseSessionAutoConfiguration.class))
			.withUserConfiguration(OnConnectConfiguration.class)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(SseSessionEndpoint.class));
	}

	@Test
	void sharesSettingsAndRuntimeWithTheWebSocketEndpoint() {
		this.contextRunner.withUserConfiguration(OnConnectConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(QmuxWebSocketHandler.class)
				.hasSingleBean(SseSessionEndpoint.class)
				.hasSingleBean(SseSessionRegistry.class)
				.hasSingleBean(QmuxSettings.class)
				.hasSingleBean(QmuxRuntime.class));
	}

	@Test
	void worksWithoutSpringWebSocketFromTheSharedProperties() {
		this.contextRunner.withUserConfiguration(OnConnectConfiguration.class)
			.withClassLoader(new FilteredClassLoader(WebSocketConfigurer.class))
			.withPropertyValues("fallback.websocket.max-streams-bidi=7", "fallback.websocket.protocols=chat")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(QmuxWebSocketHandler.class).hasSingleBean(QmuxRuntime.class);
				assertThat(context.getBean(QmuxSettings.class).initialMaxStreamsBidi()).isEqualTo(7);
				assertThat(context.getBean(SseSessionEndpoint.class).getSupportedProtocols())
					.containsExactly("qmux-02.chat", "qmux-01.chat", "qmux-02", "qmux-01");
			});
	}

	@Test
	void negotiatesTheSharedProtocolsAndAdmitsTheSharedOrigins() {
		this.contextRunner.withUserConfiguration(OnConnectConfiguration.class)
			.withPropertyValues("fallback.websocket.protocols=chat,echo", "fallback.websocket.require-protocol=true",
					"fallback.security.allowed-origins=https://app.example,*")
			.run((context) -> {
				SseSessionEndpoint endpoint = context.getBean(SseSessionEndpoint.class);

				assertThat(endpoint.getSupportedProtocols()).containsExactly("qmux-02.chat", "qmux-01.chat",
						"qmux-02.echo", "qmux-01.echo");
				assertThat(endpoint.getCorsConfiguration().getAllowedOriginPatterns())
					.containsExactly("https://app.example", "*");
				assertThat(endpoint.getCorsConfiguration().getAllowCredentials()).isFalse();
			});
	}

	@Test
	void admitsOnlyTheSameOriginByDefault() {
		this.contextRunner.withUserConfiguration(OnConnectConfiguration.class)
			.run((context) -> assertThat(context.getBean(SseSessionEndpoint.class).getCorsConfiguration()).isNull());
	}

	@Test
	void mapsTheStreamAndThePostsAtTheConfiguredPath() {
		this.contextRunner.withUserConfiguration(OnConnectConfiguration.class)
			.withPropertyValues("fallback.sse-session.path=/sessions")
			.run((context) -> {
				RequestMappingHandlerMapping mapping = context.getBean("requestMappingHandlerMapping",
						RequestMappingHandlerMapping.class);

				assertThat(mapping.getHandlerMethods().keySet()).map(RequestMappingInfo::toString)
					.containsExactlyInAnyOrder("{GET [/sessions]}", "{POST [/sessions/{sessionId}]}");
			});
	}

	@Test
	void failsOnAPathEndingWithASlash() {
		this.contextRunner.withUserConfiguration(OnConnectConfiguration.class)
			.withPropertyValues("fallback.sse-session.path=/sessions/")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("fallback.sse-session.path must start with '/' and not end with it"));
	}

	@Test
	void failsOnAMaxPostSizeBelowSixtyFourKilobytes() {
		this.contextRunner.withUserConfiguration(OnConnectConfiguration.class)
			.withPropertyValues("fallback.sse-session.max-post-size=10KB")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("fallback.sse-session.max-post-size must be between 65536B"));
	}

	@Test
	void failsOnAMaxPostSizeThatCannotHoldOneRecord() {
		this.contextRunner.withUserConfiguration(OnConnectConfiguration.class)
			.withPropertyValues("fallback.sse-session.max-post-size=100KB", "fallback.websocket.max-record-size=200KB")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("too small for one record of fallback.websocket.max-record-size (204800B)")
				.hasMessageContaining("at least 204804B"));
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
