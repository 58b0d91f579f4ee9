package dev.wtfallback.autoconfigure.actuate;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.wtfallback.autoconfigure.server.FallbackServerAutoConfiguration;
import dev.wtfallback.autoconfigure.sse.SseHubAutoConfiguration;
import dev.wtfallback.autoconfigure.websocket.WebSocketFallbackAutoConfiguration;
import dev.wtfallback.autoconfigure.websocket.WebSocketFallbackProperties;
import dev.wtfallback.core.qmux.QmuxSettings;
import dev.wtfallback.web.server.FallbackSessionRegistry;
import dev.wtfallback.web.server.OriginPolicy;
import dev.wtfallback.web.server.SessionDrainer;
import dev.wtfallback.web.server.SessionLimiter;
import dev.wtfallback.web.sse.SseHub;
import dev.wtfallback.web.sse.SseHubSettings;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * of the {@link FallbackEndpoint}, when actuator is present and the endpoint is available
 * (enabled, and exposed over some technology).
 */
@AutoConfiguration(after = { FallbackServerAutoConfiguration.class, WebSocketFallbackAutoConfiguration.class,
		SseHubAutoConfiguration.class })
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnAvailableEndpoint(FallbackEndpoint.class)
@ConditionalOnBean(FallbackSessionRegistry.class)
public final class FallbackEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	FallbackEndpoint fallbackEndpoint(FallbackSessionRegistry registry, SessionLimiter limiter,
			OriginPolicy originPolicy, SessionDrainer drainer,
			ObjectProvider<WebSocketFallbackProperties> webSocketProperties,
			ObjectProvider<QmuxSettings> webSocketSettings, ObjectProvider<SseHub> sseHub) {
		SseHub hub = sseHub.getIfAvailable();
		return new FallbackEndpoint(registry, limiter, originPolicy, drainer, webSocketProperties.getIfAvailable(),
				webSocketSettings.getIfAvailable(), (hub != null) ? () -> describe(hub) : null);
	}

	private static Map<String, Object> describe(SseHub hub) {
		SseHubSettings settings = hub.settings();
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("clients", hub.count());
		description.put("overflows", hub.overflowCount());
		description.put("droppedEvents", hub.droppedEventCount());
		description.put("replayMaxEvents", settings.replayMaxEvents());
		description.put("replayMaxAge", settings.replayMaxAge().toString());
		description.put("heartbeatInterval", settings.heartbeatInterval().toString());
		description.put("queueMaxEvents", settings.queueMaxEvents());
		description.put("queueMaxBytes", settings.queueMaxBytes());
		description.put("overflowPolicy", settings.overflowPolicy().name().toLowerCase(Locale.ROOT));
		return description;
	}

}
