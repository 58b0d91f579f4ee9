package dev.wtfallback.autoconfigure.websocket;

import dev.wtfallback.autoconfigure.diagnostics.FallbackSettingsCheck;
import dev.wtfallback.core.FallbackListener;
import dev.wtfallback.core.OnConnect;
import dev.wtfallback.core.qmux.QmuxRuntime;
import dev.wtfallback.core.qmux.QmuxSettings;
import dev.wtfallback.web.server.FallbackSessionRegistry;
import dev.wtfallback.web.server.OriginPolicy;
import dev.wtfallback.web.server.SessionAdmission;
import dev.wtfallback.web.socket.QmuxHandshakeHandler;
import dev.wtfallback.web.socket.QmuxHandshakeInterceptor;
import dev.wtfallback.web.socket.QmuxWebSocketHandler;

import org.springframework.beans.factory.ObjectProvider;
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
import org.springframework.web.socket.server.HandshakeInterceptor;

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
 *
 * <p>The runtime reports the events of every session to all {@link FallbackListener} beans, in
 * their order. Handshakes go through the {@link SessionAdmission} of
 * {@code FallbackServerAutoConfiguration}: its origin policy, authentication and session limits.
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
		FallbackSettingsCheck.verifyWebSocket(properties);
		return properties.toSettings();
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	QmuxRuntime qmuxRuntime(ObjectProvider<FallbackListener> listeners) {
		return QmuxRuntime.create("fallback-", FallbackListener.composite(listeners.orderedStream().toList()));
	}

	@Bean
	@ConditionalOnMissingBean
	QmuxWebSocketHandler qmuxWebSocketHandler(QmuxSettings settings, QmuxRuntime runtime, OnConnect onConnect,
			ObjectProvider<FallbackSessionRegistry> registry) {
		return new QmuxWebSocketHandler(settings, runtime, onConnect, registry.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	QmuxHandshakeHandler qmuxHandshakeHandler(WebSocketFallbackProperties properties,
			ObjectProvider<SessionAdmission> admission) {
		return new QmuxHandshakeHandler(properties.getProtocols(), properties.isRequireProtocol(),
				admission.getIfAvailable());
	}

	@Bean
	WebSocketConfigurer qmuxWebSocketConfigurer(WebSocketFallbackProperties properties,
			QmuxWebSocketHandler handler, QmuxHandshakeHandler handshakeHandler,
			ObjectProvider<SessionAdmission> admission) {
		SessionAdmission available = admission.getIfAvailable();
		OriginPolicy origins = (available != null) ? available.getOriginPolicy() : OriginPolicy.sameOrigin();
		HandshakeInterceptor[] interceptors = (available != null)
				? new HandshakeInterceptor[] { new QmuxHandshakeInterceptor(available) } : new HandshakeInterceptor[0];
		// Spring's origin check runs after ours with the same policy, as a second line.
		return (registry) -> registry.addHandler(handler, properties.getPath())
			.setHandshakeHandler(handshakeHandler)
			.addInterceptors(interceptors)
			.setAllowedOriginPatterns(origins.getAllowedOrigins().toArray(String[]::new));
	}

}
