package dev.wtfallback.autoconfigure.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.wtfallback.autoconfigure.websocket.WebSocketFallbackProperties;
import dev.wtfallback.core.Transport;
import dev.wtfallback.core.qmux.QmuxSettings;
import dev.wtfallback.web.server.FallbackSessionRegistry;
import dev.wtfallback.web.server.OriginPolicy;
import dev.wtfallback.web.server.SessionDrainer;
import dev.wtfallback.web.server.SessionLimiter;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * Read-only actuator endpoint {@code fallback}: the effective settings and limits, the live
 * counts per transport and the state of the SSE hub. It shows configuration and counts only,
 * never a session or client id, an address or a payload.
 *
 * <p>Like every actuator endpoint it is available over HTTP only once
 * {@code management.endpoints.web.exposure.include} names it, and is secured as the
 * application secures its actuator endpoints.
 */
@Endpoint(id = "fallback")
public class FallbackEndpoint {

	private final FallbackSessionRegistry registry;

	private final SessionLimiter limiter;

	private final OriginPolicy originPolicy;

	private final SessionDrainer drainer;

	private final @Nullable WebSocketFallbackProperties webSocketProperties;

	private final @Nullable QmuxSettings webSocketSettings;

	private final @Nullable Supplier<Map<String, Object>> sseHub;

	/**
	 * Create an endpoint.
	 * @param registry the open sessions
	 * @param limiter the session limits
	 * @param originPolicy the origin policy
	 * @param drainer the graceful shutdown
	 * @param webSocketProperties the WebSocket endpoint's properties, or {@code null} when
	 * WebSocket is not served
	 * @param webSocketSettings the settings of WebSocket sessions, or {@code null} when
	 * WebSocket is not served
	 * @param sseHub what describes the SSE hub's settings and state, free of client ids and
	 * payloads, or {@code null} when there is no hub
	 */
	public FallbackEndpoint(FallbackSessionRegistry registry, SessionLimiter limiter, OriginPolicy originPolicy,
			SessionDrainer drainer, @Nullable WebSocketFallbackProperties webSocketProperties,
			@Nullable QmuxSettings webSocketSettings, @Nullable Supplier<Map<String, Object>> sseHub) {
		this.registry = registry;
		this.limiter = limiter;
		this.originPolicy = originPolicy;
		this.drainer = drainer;
		this.webSocketProperties = webSocketProperties;
		this.webSocketSettings = webSocketSettings;
		this.sseHub = sseHub;
	}

	/**
	 * Describe the settings and the live state.
	 * @return the description
	 */
	@ReadOperation
	public FallbackDescriptor fallback() {
		Map<String, TransportDescriptor> transports = new LinkedHashMap<>();
		for (Transport transport : List.of(Transport.WEBSOCKET, Transport.SSE)) {
			transports.put(transport.wireName(), new TransportDescriptor(this.registry.activeSessions(transport),
					this.registry.activeStreams(transport)));
		}
		return new FallbackDescriptor(this.registry.isAccepting(), transports,
				new LimitsDescriptor(this.limiter.maxSessions(), this.limiter.maxSessionsPerAddress(),
						this.limiter.activeSessions()),
				new OriginsDescriptor(this.originPolicy.isSameOriginOnly(), this.originPolicy.getAllowedOrigins(),
						this.originPolicy.isAllowCredentials()),
				new ShutdownDescriptor(this.drainer.getGracePeriod().toString(), SessionDrainer.CLOSE_CODE,
						SessionDrainer.CLOSE_REASON),
				webSocket(), (this.sseHub != null) ? this.sseHub.get() : null);
	}

	private @Nullable WebSocketDescriptor webSocket() {
		WebSocketFallbackProperties properties = this.webSocketProperties;
		QmuxSettings settings = this.webSocketSettings;
		if (properties == null || settings == null) {
			return null;
		}
		return new WebSocketDescriptor(properties.getPath(), properties.getProtocols(), properties.isRequireProtocol(),
				settings.maxIdleTimeout().toString(), settings.initialMaxData(),
				settings.initialMaxStreamDataBidiLocal(), settings.initialMaxStreamDataBidiRemote(),
				settings.initialMaxStreamDataUni(), settings.initialMaxStreamsBidi(), settings.initialMaxStreamsUni(),
				settings.maxDatagramFrameSize(), settings.maxRecordSize(), settings.sendBufferLimit(),
				settings.datagramQueueCapacity());
	}

	/**
	 * The endpoint's answer.
	 *
	 * @param accepting whether new sessions are accepted; {@code false} while shutting down
	 * @param transports live counts, by transport
	 * @param limits the limits on open sessions
	 * @param origins the origin policy
	 * @param shutdown the graceful shutdown
	 * @param websocket the WebSocket endpoint's settings, or {@code null} when it is off
	 * @param sseHub the SSE hub's settings and state, or {@code null} when there is none
	 */
	public record FallbackDescriptor(boolean accepting, Map<String, TransportDescriptor> transports,
			LimitsDescriptor limits, OriginsDescriptor origins, ShutdownDescriptor shutdown,
			@Nullable WebSocketDescriptor websocket, @Nullable Map<String, Object> sseHub) {
	}

	/**
	 * Live counts of one transport.
	 *
	 * @param activeSessions the sessions open now
	 * @param activeStreams the streams open now
	 */
	public record TransportDescriptor(int activeSessions, int activeStreams) {
	}

	/**
	 * The limits on open sessions.
	 *
	 * @param maxSessions the most sessions open at once
	 * @param maxSessionsPerAddress the most sessions open at once from one client address
	 * @param activeSessions the sessions holding a place now
	 */
	public record LimitsDescriptor(int maxSessions, int maxSessionsPerAddress, int activeSessions) {
	}

	/**
	 * The origin policy.
	 *
	 * @param sameOriginOnly whether only same-origin requests are accepted
	 * @param allowedOrigins the allowed origins and origin patterns
	 * @param allowCredentials whether cross-origin requests may carry credentials
	 */
	public record OriginsDescriptor(boolean sameOriginOnly, List<String> allowedOrigins, boolean allowCredentials) {
	}

	/**
	 * The graceful shutdown.
	 *
	 * @param gracePeriod how long open sessions get to finish, as an ISO-8601 duration
	 * @param closeCode the application close code of sessions closed after it
	 * @param closeReason the reason they are closed with
	 */
	public record ShutdownDescriptor(String gracePeriod, long closeCode, String closeReason) {
	}

	/**
	 * The WebSocket endpoint and the settings of its sessions; sizes in bytes.
	 *
	 * @param path the endpoint's path
	 * @param protocols the application protocols, best first
	 * @param requireProtocol whether bare version subprotocols are refused
	 * @param idleTimeout the idle timeout, as an ISO-8601 duration
	 * @param initialMaxData the connection receive window
	 * @param initialMaxStreamDataBidiLocal the receive window of server-opened bidirectional
	 * streams
	 * @param initialMaxStreamDataBidiRemote the receive window of client-opened bidirectional
	 * streams
	 * @param initialMaxStreamDataUni the receive window of unidirectional streams
	 * @param maxStreamsBidi the bidirectional streams a client may have open
	 * @param maxStreamsUni the unidirectional streams a client may have open
	 * @param maxDatagramFrameSize the largest DATAGRAM frame accepted
	 * @param maxRecordSize the largest record accepted
	 * @param sendBufferLimit the bytes queued per session before writers block
	 * @param datagramQueueCapacity the datagrams buffered for the application
	 */
	public record WebSocketDescriptor(String path, List<String> protocols, boolean requireProtocol,
			String idleTimeout, long initialMaxData, long initialMaxStreamDataBidiLocal,
			long initialMaxStreamDataBidiRemote, long initialMaxStreamDataUni, long maxStreamsBidi,
			long maxStreamsUni, long maxDatagramFrameSize, long maxRecordSize, long sendBufferLimit,
			int datagramQueueCapacity) {
	}

}
