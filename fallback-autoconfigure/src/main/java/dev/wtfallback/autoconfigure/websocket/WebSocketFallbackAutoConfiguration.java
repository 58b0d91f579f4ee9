package dev.wtfallback.autoconfigure.websocket;

import dev.wtfallback.core.OnConnect;
import dev.wtfallback.core.qmux.QmuxRuntime;
import dev.wtfallback.core.qmux.QmuxSettings;
import dev.wtfallback.web.socket.QmuxHandshakeHandler;
import dev.wtfallback.web.socket.QmuxWebSocketHandler;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * that serves the application's {@link OnConnect} bean over QMux-on-WebSocket at
 * {@code fallback.websocket.path}.
 *
 * <p>Backs off unless the application is a servlet web application with Spring WebSocket and
 * a Jakarta WebSocket container, and defines an {@link OnConnect} bean (one, or one marked
 * primary). Beans of type {@link QmuxSettings}, {@link QmuxRuntime},
 * {@link QmuxWebSocketHandler} and {@link QmuxHandshakeHandler} defined by the application
 * replace the ones made here.
 */
@AutoConfiguration(after = WebMvcAutoConfiguration.class)
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass(value = { WebSocketConfigurer.class, DispatcherServlet.class },
		name = "jakarta.websocket.server.ServerContainer")
@ConditionalOnBooleanProperty(prefix = "fallback.websocket", name = "enabled", matchIfMissing = true)
@ConditionalOnBean(OnConnect.class)
@EnableConfigurationProperties(WebSocketFallbackProperties.class)
@EnableWebSocket
public final class WebSocketFallbackAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	QmuxSettings qmuxSettings(WebSocketFallbackProperties properties) {
		return properties.toSettings();
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	QmuxRuntime qmuxRuntime() {
		return QmuxRuntime.create("fallback-");
	}

	@Bean
	@ConditionalOnMissingBean
	QmuxWebSocketHandler qmuxWebSocketHandler(QmuxSettings settings, QmuxRuntime runtime, OnConnect onConnect) {
		return new QmuxWebSocketHandler(settings, runtime, onConnect);
	}

	@Bean
	@ConditionalOnMissingBean
	QmuxHandshakeHandler qmuxHandshakeHandler(WebSocketFallbackProperties properties) {
		return new QmuxHandshakeHandler(properties.getProtocols(), properties.isRequireProtocol());
	}

	@Bean
	WebSocketConfigurer qmuxWebSocketConfigurer(WebSocketFallbackProperties properties,
			QmuxWebSocketHandler handler, QmuxHandshakeHandler handshakeHandler) {
		return (registry) -> registry.addHandler(handler, properties.getPath())
			.setHandshakeHandler(handshakeHandler)
			.setAllowedOrigins(properties.getAllowedOrigins().toArray(String[]::new))
			.setAllowedOriginPatterns(properties.getAllowedOriginPatterns().toArray(String[]::new));
	}

}
