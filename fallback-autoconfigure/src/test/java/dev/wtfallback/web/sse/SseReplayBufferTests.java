package dev.wtfallback.web.sse;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.wtfallback.web.sse.SseReplayBuffer.Entry;
import dev.wtfallback.web.sse.SseReplayBuffer.Recipient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SseReplayBuffer}.
 */
class SseReplayBufferTests {

	private final AtomicLong clock = new AtomicLong();

	@Test
	void returnsEventsAfterAPositionInOrder() {
		SseReplayBuffer buffer = buffer(10, Duration.ofMinutes(1));
		append(buffer, 1, 5);

		assertThat(buffer.after(2, 5, "a", null)).extracting(Entry::position).containsExactly(3L, 4L, 5L);
		assertThat(buffer.after(5, 5, "a", null)).isEmpty();
	}

	@Test
	void keepsAtMostMaxEventsAndReportsEvictedGap() {
		SseReplayBuffer buffer = buffer(3, Duration.ofMinutes(1));
		append(buffer, 1, 5);

		assertThat(buffer.size()).isEqualTo(3);
		assertThat(buffer.after(2, 5, "a", null)).extracting(Entry::position).containsExactly(3L, 4L, 5L);
		assertThat(buffer.after(1, 5, "a", null)).isNull();
	}

	@Test
	void expiresEventsByAge() {
		SseReplayBuffer buffer = buffer(10, Duration.ofSeconds(1));
		append(buffer, 1, 2);
		this.clock.addAndGet(Duration.ofMillis(600).toNanos());
		append(buffer, 3, 3);
		this.clock.addAndGet(Duration.ofMillis(600).toNanos());

		assertThat(buffer.after(2, 3, "a", null)).extracting(Entry::position).containsExactly(3L);
		assertThat(buffer.after(1, 3, "a", null)).isNull();
	}

	@Test
	void positionInTheFutureIsAGap() {
		SseReplayBuffer buffer = buffer(10, Duration.ofMinutes(1));
		append(buffer, 1, 2);

		assertThat(buffer.after(7, 2, "a", null)).isNull();
	}

	@Test
	void zeroMaxEventsKeepsNothing() {
		SseReplayBuffer buffer = buffer(0, Duration.ofMinutes(1));
		append(buffer, 1, 2);

		assertThat(buffer.after(1, 2, "a", null)).isNull();
		assertThat(buffer.after(2, 2, "a", null)).isEmpty();
	}

	@Test
	void filtersByRecipient() {
		SseReplayBuffer buffer = buffer(10, Duration.ofMinutes(1));
		buffer.append(1, Recipient.EVERYONE, new byte[0]);
		buffer.append(2, Recipient.client("a"), new byte[0]);
		buffer.append(3, Recipient.client("b"), new byte[0]);
		buffer.append(4, Recipient.principal("alice"), new byte[0]);

		assertThat(buffer.after(0, 4, "a", null)).extracting(Entry::position).containsExactly(1L, 2L);
		assertThat(buffer.after(0, 4, "b", "alice")).extracting(Entry::position).containsExactly(1L, 3L, 4L);
	}

	private SseReplayBuffer buffer(int maxEvents, Duration maxAge) {
		return new SseReplayBuffer(maxEvents, maxAge, this.clock::get);
	}

	private static void append(SseReplayBuffer buffer, long from, long to) {
		for (long position = from; position <= to; position++) {
			buffer.append(position, Recipient.EVERYONE, new byte[0]);
		}
	}

}
