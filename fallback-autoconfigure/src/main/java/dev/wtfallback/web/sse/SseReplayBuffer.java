package dev.wtfallback.web.sse;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

/**
 * The recent events of a hub, kept so that a reconnecting client receives what it missed.
 *
 * <p>Bounded by a number of events and by their age; the oldest go first. The buffer remembers
 * the newest position it has let go of, so it can tell whether a client's gap is still fully
 * covered. Not thread-safe: the hub calls it under its lock.
 */
final class SseReplayBuffer {

	private final int maxEvents;

	private final long maxAgeNanos;

	private final LongSupplier nanoClock;

	private final ArrayDeque<Entry> entries = new ArrayDeque<>();

	private long evictedThrough;

	SseReplayBuffer(int maxEvents, Duration maxAge, LongSupplier nanoClock) {
		this.maxEvents = Math.max(0, maxEvents);
		this.maxAgeNanos = Math.max(0, maxAge.toNanos());
		this.nanoClock = nanoClock;
	}

	/**
	 * Keep an event, evicting the oldest ones beyond the limits.
	 * @param position the event's position, higher than any appended before
	 * @param recipient who the event was for
	 * @param body the encoded event without its id line
	 */
	void append(long position, Recipient recipient, byte[] body) {
		expire();
		if (this.maxEvents == 0 || this.maxAgeNanos == 0) {
			this.evictedThrough = position;
			return;
		}
		this.entries.addLast(new Entry(position, this.nanoClock.getAsLong(), recipient, body));
		while (this.entries.size() > this.maxEvents) {
			this.evictedThrough = this.entries.removeFirst().position();
		}
	}

	/**
	 * Return the events after a position that one client should receive, oldest first.
	 * @param position the last position the client has seen
	 * @param current the hub's current position
	 * @param clientId the client's id
	 * @param principalName the client's principal name, or {@code null}
	 * @return the events, or {@code null} if some event after {@code position} was evicted or
	 * the position lies in the future, so the gap cannot be covered
	 */
	@Nullable List<Entry> after(long position, long current, String clientId, @Nullable String principalName) {
		expire();
		if (position < this.evictedThrough || position > current) {
			return null;
		}
		List<Entry> missed = new ArrayList<>();
		for (Entry entry : this.entries) {
			if (entry.position() > position && entry.recipient().matches(clientId, principalName)) {
				missed.add(entry);
			}
		}
		return missed;
	}

	int size() {
		return this.entries.size();
	}

	private void expire() {
		long now = this.nanoClock.getAsLong();
		Iterator<Entry> iterator = this.entries.iterator();
		while (iterator.hasNext()) {
			Entry entry = iterator.next();
			if (now - entry.createdNanos() < this.maxAgeNanos) {
				return;
			}
			this.evictedThrough = entry.position();
			iterator.remove();
		}
	}

	/**
	 * One kept event.
	 *
	 * @param position the event's position
	 * @param createdNanos when it was kept, on the buffer's clock
	 * @param recipient who it was for
	 * @param body the encoded event without its id line
	 */
	record Entry(long position, long createdNanos, Recipient recipient, byte[] body) {
	}

	/**
	 * Who an event was addressed to: everyone, one client, or every client of one principal.
	 *
	 * @param clientId the one client, or {@code null}
	 * @param principalName the principal, or {@code null}
	 */
	record Recipient(@Nullable String clientId, @Nullable String principalName) {

		static final Recipient EVERYONE = new Recipient(null, null);

		static Recipient client(String clientId) {
			return new Recipient(clientId, null);
		}

		static Recipient principal(String principalName) {
			return new Recipient(null, principalName);
		}

		boolean matches(String clientId, @Nullable String principalName) {
			if (this.clientId != null) {
				return this.clientId.equals(clientId);
			}
			return this.principalName == null || Objects.equals(this.principalName, principalName);
		}

	}

}
