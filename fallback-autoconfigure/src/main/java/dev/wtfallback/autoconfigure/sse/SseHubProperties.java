package dev.wtfallback.autoconfigure.sse;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import dev.wtfallback.web.sse.SseOverflowPolicy;

/**
 * Configuration properties of the Server-Sent Events hub.
 */
@ConfigurationProperties("fallback.sse")
public class SseHubProperties {

	/**
	 * Whether to enable the SSE hub and its endpoint.
	 */
	private boolean enabled = true;

	/**
	 * Path of the event stream; clients post messages to {path}/{clientId}.
	 */
	private String path = "/events";

	/**
	 * Reconnection delay advertised to browsers in the stream's retry field.
	 */
	private Duration retry = Duration.ofSeconds(3);

	/**
	 * Interval between heartbeat comments on idle streams, which keep proxies from closing
	 * them and reveal clients that went away. Zero sends none.
	 */
	private Duration heartbeatInterval = Duration.ofSeconds(15);

	/**
	 * Maximum time shutdown waits for the final "shutdown" event to reach clients before
	 * cutting their streams.
	 */
	private Duration shutdownTimeout = Duration.ofSeconds(2);

	/**
	 * Maximum size of a message body posted to {path}/{clientId}.
	 */
	private DataSize maxMessageSize = DataSize.ofKilobytes(64);

	/**
	 * How long a message's Idempotency-Key is remembered, so that a retry within it is
	 * answered as a duplicate and not delivered again.
	 */
	private Duration idempotencyWindow = Duration.ofMinutes(5);


	private final Replay replay = new Replay();

	private final ClientQueue clientQueue = new ClientQueue();

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

	public Duration getRetry() {
		return this.retry;
	}

	public void setRetry(Duration retry) {
		this.retry = retry;
	}

	public Duration getHeartbeatInterval() {
		return this.heartbeatInterval;
	}

	public void setHeartbeatInterval(Duration heartbeatInterval) {
		this.heartbeatInterval = heartbeatInterval;
	}

	public Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	public DataSize getMaxMessageSize() {
		return this.maxMessageSize;
	}

	public void setMaxMessageSize(DataSize maxMessageSize) {
		this.maxMessageSize = maxMessageSize;
	}

	public Duration getIdempotencyWindow() {
		return this.idempotencyWindow;
	}

	public void setIdempotencyWindow(Duration idempotencyWindow) {
		this.idempotencyWindow = idempotencyWindow;
	}


	public Replay getReplay() {
		return this.replay;
	}

	public ClientQueue getClientQueue() {
		return this.clientQueue;
	}

	/**
	 * Replay of missed events to reconnecting clients.
	 */
	public static class Replay {

		/**
		 * Maximum number of recent events kept for replay. Zero keeps none, so every
		 * reconnect gets a replay-gap event.
		 */
		private int maxEvents = 1000;

		/**
		 * Maximum age of events kept for replay; also how long a departed client's identity
		 * can be resumed.
		 */
		private Duration maxAge = Duration.ofMinutes(5);

		public int getMaxEvents() {
			return this.maxEvents;
		}

		public void setMaxEvents(int maxEvents) {
			this.maxEvents = maxEvents;
		}

		public Duration getMaxAge() {
			return this.maxAge;
		}

		public void setMaxAge(Duration maxAge) {
			this.maxAge = maxAge;
		}

	}

	/**
	 * Outbound queue of each client.
	 */
	public static class ClientQueue {

		/**
		 * Maximum number of events waiting to be written to one client.
		 */
		private int maxEvents = 256;

		/**
		 * Maximum number of bytes waiting to be written to one client. A single larger event
		 * is still accepted when nothing else waits.
		 */
		private DataSize maxBytes = DataSize.ofMegabytes(1);

		/**
		 * What to do with an event that does not fit in a client's queue: disconnect the
		 * client, which then reconnects and catches up from the replay buffer, or drop the
		 * event for that client.
		 */
		private SseOverflowPolicy overflowPolicy = SseOverflowPolicy.DISCONNECT;

		public int getMaxEvents() {
			return this.maxEvents;
		}

		public void setMaxEvents(int maxEvents) {
			this.maxEvents = maxEvents;
		}

		public DataSize getMaxBytes() {
			return this.maxBytes;
		}

		public void setMaxBytes(DataSize maxBytes) {
			this.maxBytes = maxBytes;
		}

		public SseOverflowPolicy getOverflowPolicy() {
			return this.overflowPolicy;
		}

		public void setOverflowPolicy(SseOverflowPolicy overflowPolicy) {
			this.overflowPolicy = overflowPolicy;
		}

	}

}
