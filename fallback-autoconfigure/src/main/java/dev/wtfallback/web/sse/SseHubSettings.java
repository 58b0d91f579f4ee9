package dev.wtfallback.web.sse;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * The tunable limits and intervals of an {@link SseHub}.
 *
 * @param retry the reconnection delay advertised in the {@code retry:} field
 * @param heartbeatInterval the interval between heartbeat comments on idle streams, zero to
 * send none
 * @param replayMaxEvents the maximum number of events kept for replay, zero to keep none
 * @param replayMaxAge the maximum age of events kept for replay; also how long the identity of
 * a departed client can be resumed
 * @param queueMaxEvents the maximum number of events queued for one client
 * @param queueMaxBytes the maximum number of bytes queued for one client; a single event larger
 * than this is still accepted when nothing else is queued
 * @param overflowPolicy what to do with an event that does not fit in a client's queue
 * @param shutdownTimeout the maximum time shutdown waits for the final event to be written
 */
public record SseHubSettings(Duration retry, Duration heartbeatInterval, int replayMaxEvents, Duration replayMaxAge,
		int queueMaxEvents, long queueMaxBytes, SseOverflowPolicy overflowPolicy, Duration shutdownTimeout) {

	/**
	 * Check the settings.
	 */
	public SseHubSettings {
		Assert.isTrue(!retry.isNegative(), "retry must not be negative");
		Assert.isTrue(!heartbeatInterval.isNegative(), "heartbeatInterval must not be negative");
		Assert.isTrue(replayMaxEvents >= 0, "replayMaxEvents must not be negative");
		Assert.isTrue(queueMaxEvents > 0, "queueMaxEvents must be positive");
		Assert.isTrue(queueMaxBytes > 0, "queueMaxBytes must be positive");
		Assert.notNull(overflowPolicy, "overflowPolicy must not be null");
		Assert.isTrue(!shutdownTimeout.isNegative(), "shutdownTimeout must not be negative");
	}

	/**
	 * Return the defaults: retry 3 s, heartbeat 15 s, replay of 1000 events for 5 minutes,
	 * queues of 256 events and 1 MiB that disconnect on overflow, and shutdown within 2 s.
	 * @return the default settings
	 */
	public static SseHubSettings defaults() {
		return new SseHubSettings(Duration.ofSeconds(3), Duration.ofSeconds(15), 1000, Duration.ofMinutes(5), 256,
				1024 * 1024, SseOverflowPolicy.DISCONNECT, Duration.ofSeconds(2));
	}

	/**
	 * Return a copy with another heartbeat interval.
	 * @param interval the interval, zero to send none
	 * @return the copy
	 */
	public SseHubSettings withHeartbeatInterval(Duration interval) {
		return new SseHubSettings(this.retry, interval, this.replayMaxEvents, this.replayMaxAge, this.queueMaxEvents,
				this.queueMaxBytes, this.overflowPolicy, this.shutdownTimeout);
	}

	/**
	 * Return a copy with other replay limits.
	 * @param maxEvents the maximum number of events kept
	 * @param maxAge the maximum age of events kept
	 * @return the copy
	 */
	public SseHubSettings withReplay(int maxEvents, Duration maxAge) {
		return new SseHubSettings(this.retry, this.heartbeatInterval, maxEvents, maxAge, this.queueMaxEvents,
				this.queueMaxBytes, this.overflowPolicy, this.shutdownTimeout);
	}

	/**
	 * Return a copy with other client queue limits.
	 * @param maxEvents the maximum number of events queued for one client
	 * @param maxBytes the maximum number of bytes queued for one client
	 * @param policy what to do with an event that does not fit
	 * @return the copy
	 */
	public SseHubSettings withQueue(int maxEvents, long maxBytes, SseOverflowPolicy policy) {
		return new SseHubSettings(this.retry, this.heartbeatInterval, this.replayMaxEvents, this.replayMaxAge,
				maxEvents, maxBytes, policy, this.shutdownTimeout);
	}

}
