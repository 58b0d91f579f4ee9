package dev.wtfallback.web.sse;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Remembers the message ids recently accepted per client, so a retried message is delivered
 * once.
 *
 * <p>An id is held from the moment delivery starts, so concurrent retries see it too; a
 * failed delivery releases it. Ids are kept for a window and at most {@code maxEntries} of
 * them in all, the oldest dropped first. Thread-safe: every method synchronizes on the map.
 */
final class IdempotencyRegistry {

	private final long windowNanos;

	private final int maxEntries;

	private final LongSupplier nanoClock;

	private final LinkedHashMap<String, Long> accepted = new LinkedHashMap<>();

	IdempotencyRegistry(Duration window, int maxEntries, LongSupplier nanoClock) {
		this.windowNanos = window.toNanos();
		this.maxEntries = maxEntries;
		this.nanoClock = nanoClock;
	}

	/**
	 * Claim a message id for delivery.
	 * @return {@code true} if the id is new within the window, {@code false} for a duplicate
	 */
	boolean claim(String clientId, String messageId) {
		String key = clientId + ' ' + messageId;
		long now = this.nanoClock.getAsLong();
		synchronized (this.accepted) {
			expire(now);
			if (this.accepted.containsKey(key)) {
				return false;
			}
			this.accepted.put(key, now);
			Iterator<String> eldest = this.accepted.keySet().iterator();
			while (this.accepted.size() > this.maxEntries) {
				eldest.next();
				eldest.remove();
			}
			return true;
		}
	}

	/**
	 * Forget a claimed id after its delivery failed, so a retry is delivered.
	 */
	void release(String clientId, String messageId) {
		synchronized (this.accepted) {
			this.accepted.remove(clientId + ' ' + messageId);
		}
	}

	private void expire(long now) {
		Iterator<Map.Entry<String, Long>> iterator = this.accepted.entrySet().iterator();
		while (iterator.hasNext() && now - iterator.next().getValue() >= this.windowNanos) {
			iterator.remove();
		}
	}

}
