package dev.wtfallback.autoconfigure.ssesession;

import dev.wtfallback.autoconfigure.websocket.WebSocketFallbackProperties;
import dev.wtfallback.core.FallbackListener;
import dev.wtfallback.core.OnConnect;
import dev.wtfallback.core.qmux.QmuxRuntime;
import dev.wtfallback.core.qmux.QmuxSettings;
import dev.wtfallback.core.qmux.VarInts;
import dev.wtfallback.web.ssesession.SseSessionEndpoint;
import dev.wtfallback.web.ssesession.SseSessionOptions;
import dev.wtfallback.web.server.SessionAdmission;
import dev.wtfallback.web.ssesession.SseSessionRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Qualifier;
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
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * that serves the application's {@link OnConnect} bean over Server-Sent Events and POST at
 * {@code fallback.sse-session.path}, for clients that cannot open a WebSocket.
 *
 * <p>Backs off unless the application is a servlet web application with Spring MVC and
 * defines an {@link OnConnect} bean. Runs after the WebSocket auto-configuration and shares
 * its {@link QmuxSettings} and {@link QmuxRuntime} beans, creating them from
 * {@code fallback.websocket.*} when that one backed off, for example because Spring WebSocket
 * is absent. Beans of type {@link SseSessionRegistry} and {@link SseSessionEndpoint} defined
 * by the application replace the ones made here. Sessions are admitted through the
 * {@link SessionAdmission} of {@code FallbackServerAutoConfiguration}: its origin policy of
 * {@code fallback.security}, authentication, session limits and graceful shutdown.
 */
@AutoConfiguration(after = WebMvcAutoConfiguration.class,
		afterName = "dev.wtfallback.autoconfigure.websocket.WebSocketFallbackAutoConfiguration")
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass({ DispatcherServlet.class, SseEmitter.class })
@ConditionalOnBooleanProperty(prefix = "fallback.sse-session", name = "enabled", matchIfMissing = true)
@ConditionalOnBean(value = OnConnect.class, name = SseSessionAutoConfiguration.HANDLER_MAPPING)
@EnableConfigurationProperties({ SseSessionProperties.class, WebSocketFallbackProperties.class })
public final class SseSessionAutoConfiguration {

	/** Name of Spring MVC's mapping of annotated controllers, where the endpoint is mapped. */
	static final String HANDLER_MAPPING = "requestMappingHandlerMapping";

	@Bean
	@ConditionalOnMissingBean
	QmuxSettings qmuxSettings(WebSocketFallbackProperties properties) {
		return properties.toSettings();
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	QmuxRuntime qmuxRuntime(ObjectProvider<FallbackListener> listeners) {
		return QmuxRuntime.create("fallback-", FallbackListener.composite(listeners.orderedStream().toList()));
	}

	@Bean
	@ConditionalOnMissingBean
	SseSessionRegistry sseSessionRegistry() {
		return new SseSessionRegistry();
	}

	@Bean
	@ConditionalOnMissingBean
	SseSessionEndpoint sseSessionEndpoint(SseSessionProperties properties, WebSocketFallbackProperties shared,
			QmuxSettings settings, QmuxRuntime runtime, OnConnect onConnect, SseSessionRegistry registry,
			ObjectProvider<SessionAdmission> admission) {
		long postSize = properties.getMaxPostSize().toBytes();
		long needed = settings.maxRecordSize() + VarInts.size(settings.maxRecordSize());
		if (postSize < needed) {
			throw new IllegalStateException("fallback.sse-session.max-post-size is " + postSize
					+ "B, too small for one record of fallback.websocket.max-record-size (" + settings.maxRecordSize()
					+ "B) with its length prefix; set it to at least " + needed + "B");
		}
		SessionAdmission available = admission.getIfAvailable();
		SseSessionOptions options = new SseSessionOptions(properties.getPath(), shared.getProtocols(),
				shared.isRequireProtocol(), properties.getHeartbeatInterval(), postSize);
		return new SseSessionEndpoint(options, settings, runtime, onConnect, registry, available);
	}

	@Bean
	SmartInitializingSingleton sseSessionEndpointRegistration(SseSessionEndpoint endpoint,
			@Qualifier(HANDLER_MAPPING) RequestMappingHandlerMapping mapping) {
		return () -> endpoint.registerWith(mapping);
	}

	@Bean
	WebMvcConfigurer sseSessionCorsConfigurer(SseSessionEndpoint endpoint) {
		return new WebMvcConfigurer() {

			@Override
			public void addCorsMappings(CorsRegistry registry) {
				CorsConfiguration cors = endpoint.getCorsConfiguration();
				if (cors != null) {
					registry.addMapping(endpoint.getPath()).combine(cors);
					registry.addMapping(endpoint.getPath() + "/*").combine(cors);
				}
			}

		};
	}

}
