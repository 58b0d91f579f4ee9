package dev.wtfallback.autoconfigure.sse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.AsyncContext;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.Assert;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.handler.SimpleUrlHandlerMapping;

import dev.wtfallback.core.FallbackListener;
import dev.wtfallback.web.server.OriginPolicy;
import dev.wtfallback.web.sse.JacksonSseDataEncoder;
import dev.wtfallback.web.sse.SseDataEncoder;
import dev.wtfallback.web.sse.SseHub;
import dev.wtfallback.web.sse.SseHubListener;
import dev.wtfallback.web.sse.SseHubSettings;
import dev.wtfallback.web.sse.SseIngressHandler;
import dev.wtfallback.web.sse.SseMessageHandler;
import dev.wtfallback.web.sse.SseStreamHandler;

/**
 * Auto-configuration of the Server-Sent Events hub: the {@link SseHub} bean, its stream at
 * {@code fallback.sse.path} and, when an {@link SseMessageHandler} bean exists, its message
 * endpoint at {@code {path}/{clientId}}.
 *
 * <p>Both endpoints live in their own handler mapping, ordered before WebMvc.fn routes and
 * annotated controllers, so an application route cannot shadow them by accident. The stream
 * is mapped to a {@link org.springframework.web.method.HandlerMethod}, which Spring MVC's
 * {@code RequestMappingHandlerAdapter} invokes like a controller method: it returns an
 * {@code SseEmitter} that Spring MVC's return value handling turns into an asynchronous
 * response. Data objects are written as JSON with the application's Jackson
 * {@link JsonMapper} when there is one.
 */
@AutoConfiguration(after = WebMvcAutoConfiguration.class,
		afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ DispatcherServlet.class, AsyncContext.class })
@ConditionalOnBooleanProperty(name = "fallback.sse.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SseHubProperties.class)
public final class SseHubAutoConfiguration {

	/**
	 * Order of the hub's handler mapping: before WebMvc.fn routes and annotated controllers.
	 */
	static final int HANDLER_MAPPING_ORDER = -2;

	@Bean
	@ConditionalOnMissingBean
	SseHub sseHub(SseHubProperties properties, ObjectProvider<SseDataEncoder> dataEncoder,
			ObjectProvider<SseHubListener> listeners, ObjectProvider<FallbackListener> fallbackListeners) {
		SingletonSupplier<List<SseHubListener>> resolved = SingletonSupplier
			.of(() -> listeners.orderedStream().toList());
		Iterable<SseHubListener> lazyListeners = () -> resolved.obtain().iterator();
		SseHub hub = new SseHub(settings(properties), dataEncoder.getIfAvailable(SseDataEncoder::scalarsOnly),
				lazyListeners);
		hub.setFallbackListener(FallbackListener.composite(fallbackListeners.orderedStream().toList()));
		return hub;
	}

	@Bean
	@ConditionalOnMissingBean(name = "sseHubHandlerMapping")
	SimpleUrlHandlerMapping sseHubHandlerMapping(SseHub hub, SseHubProperties properties,
			ObjectProvider<SseMessageHandler> messageHandlers, ObjectProvider<OriginPolicy> originPolicy) {
		String path = normalizedPath(properties.getPath());
		CorsConfiguration cors = originPolicy.getIfAvailable(OriginPolicy::sameOrigin)
			.corsConfiguration(List.of("Content-Type", "Last-Event-ID", SseIngressHandler.IDEMPOTENCY_KEY_HEADER));
		SseStreamHandler stream = new SseStreamHandler(hub);
		Map<String, Object> handlers = new LinkedHashMap<>();
		handlers.put(path, stream.handlerMethod());
		List<SseMessageHandler> receivers = messageHandlers.orderedStream().toList();
		if (!receivers.isEmpty()) {
			handlers.put(path + "/*", new SseIngressHandler(hub, receivers, properties.getMaxMessageSize(),
					properties.getIdempotencyWindow(), cors));
		}
		SimpleUrlHandlerMapping mapping = new SimpleUrlHandlerMapping(handlers, HANDLER_MAPPING_ORDER);
		mapping.setInterceptors(stream);
		if (cors != null) {
			mapping.setCorsConfigurations(Map.of(path, cors));
		}
		return mapping;
	}

	private static SseHubSettings settings(SseHubProperties properties) {
		SseHubProperties.ClientQueue queue = properties.getClientQueue();
		return new SseHubSettings(properties.getRetry(), properties.getHeartbeatInterval(),
				properties.getReplay().getMaxEvents(), properties.getReplay().getMaxAge(), queue.getMaxEvents(),
				queue.getMaxBytes().toBytes(), queue.getOverflowPolicy(), properties.getShutdownTimeout());
	}

	private static String normalizedPath(String path) {
		Assert.isTrue(path.startsWith("/"), () -> "fallback.sse.path must start with '/' but was '" + path + "'");
		String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
		Assert.isTrue(!trimmed.isEmpty(), "fallback.sse.path must not be '/'");
		return trimmed;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JsonMapper.class)
	static class JacksonDataEncoderConfiguration {

		@Bean
		@ConditionalOnMissingBean
		SseDataEncoder sseDataEncoder(ObjectProvider<JsonMapper> jsonMapper) {
			return new JacksonSseDataEncoder(jsonMapper.getIfAvailable(JsonMapper::shared));
		}

	}

}
