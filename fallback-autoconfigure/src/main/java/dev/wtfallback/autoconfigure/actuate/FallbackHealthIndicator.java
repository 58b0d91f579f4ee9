package dev.wtfallback.autoconfigure.actuate;

import dev.wtfallback.core.Transport;
import dev.wtfallback.web.server.FallbackSessionRegistry;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health contributor {@code fallback}: {@code UP} while sessions are accepted,
 * {@code OUT_OF_SERVICE} while open sessions drain during shutdown; the details count the open
 * sessions per transport.
 */
public class FallbackHealthIndicator implements HealthIndicator {

	private final FallbackSessionRegistry registry;

	/**
	 * Create an indicator.
	 * @param registry the open sessions
	 */
	public FallbackHealthIndicator(FallbackSessionRegistry registry) {
		this.registry = registry;
	}

	@Override
	public Health health() {
		Health.Builder builder = this.registry.isAccepting() ? Health.up() : Health.outOfService()
			.withDetail("draining", true);
		return builder.withDetail("websocketSessions", this.registry.activeSessions(Transport.WEBSOCKET))
			.withDetail("sseSessions", this.registry.activeSessions(Transport.SSE))
			.build();
	}

}
