package dev.wtfallback.autoconfigure.ssesession;

import java.time.Duration;
import java.util.Locale;

import dev.wtfallback.web.ssesession.SseSessionOptions;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration properties of the SSE+POST session endpoint.
 *
 * <p>Only what is particular to this transport lives here. The QMux limits, the application
 * protocols, {@code require-protocol} and the allowed origins are shared with the WebSocket
 * endpoint and read from {@code fallback.websocket.*}, so one configuration drives both
 * transports; {@code fallback.websocket.enabled=false} turns off only the WebSocket endpoint.
 * Values are checked when they are bound.
 */
@ConfigurationProperties("fallback.sse-session")
public class SseSessionProperties implements Validator {

	private static final String PREFIX = "fallback.sse-session.";

	/**
	 * Whether to serve QMux sessions over Server-Sent Events and POST, for clients that
	 * cannot open a WebSocket.
	 */
	private boolean enabled = true;

	/**
	 * Path of the event stream that opens a session; clients POST their records to
	 * "{path}/{sessionId}". Sessions live on the node that holds their event stream, so a load
	 * balancer must route the POSTs of a session to that node.
	 */
	private String path = "/wt-sse";

	/**
	 * How long an event stream may go without a write before a comment line is sent. The
	 * comment keeps proxies from closing the stream and detects clients that went away.
	 */
	private Duration heartbeatInterval = Duration.ofSeconds(15);

	/**
	 * Maximum size of a POST body, at least 64KB and enough for one record of
	 * fallback.websocket.max-record-size with its length prefix.
	 */
	private DataSize maxPostSize = DataSize.ofMegabytes(1);

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getPath() {
		return this.path;
	}

	public void setPath(String path) {
		this.path = path;
	}

	public Duration getHeartbeatInterval() {
		return this.heartbeatInterval;
	}

	public void setHeartbeatInterval(Duration heartbeatInterval) {
		this.heartbeatInterval = heartbeatInterval;
	}

	public DataSize getMaxPostSize() {
		return this.maxPostSize;
	}

	public void setMaxPostSize(DataSize maxPostSize) {
		this.maxPostSize = maxPostSize;
	}

	@Override
	public boolean supports(Class<?> type) {
		return SseSessionProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		SseSessionProperties properties = (SseSessionProperties) target;
		String path = properties.path;
		if (path == null || !path.startsWith("/") || path.endsWith("/")) {
			reject(errors, "path", "must start with '/' and not end with it, was '" + path + "'");
		}
		Duration heartbeat = properties.heartbeatInterval;
		if (heartbeat == null || heartbeat.toMillis() < 1) {
			reject(errors, "heartbeatInterval", "must be at least 1ms, was " + heartbeat);
		}
		DataSize postSize = properties.maxPostSize;
		long max = Integer.MAX_VALUE - 8;
		if (postSize == null || postSize.toBytes() < SseSessionOptions.MIN_POST_SIZE || postSize.toBytes() > max) {
			reject(errors, "maxPostSize", "must be between " + SseSessionOptions.MIN_POST_SIZE + "B and " + max
					+ "B, was " + postSize);
		}
	}

	private static void reject(Errors errors, String field, String reason) {
		String key = PREFIX + field.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
		errors.rejectValue(field, "invalid", key + " " + reason);
	}

}
