package dev.wtfallback.web.sse;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.wtfallback.metrics.FallbackMeterBinder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests that an {@link SseHub} reports its clients, events, replays, gaps and overflows, read
 * back from the meters of a {@link FallbackMeterBinder}.
 */
class SseHubEventsTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

	private final ExecutorService drains = Executors.newCachedThreadPool();

	private final FallbackMeterBinder binder = new FallbackMeterBinder();

	private final MeterRegistry registry = new SimpleMeterRegistry();

	private SseHub hub;

	@AfterEach
	void stopDrains() {
		this.drains.shutdownNow();
	}

	@Test
	void clientsEventsReplaysAndGapsAreCounted() {
		this.hub = hub(Runnable::run, SseHubSettings.defaults());
		InMemorySseTransport a = connect(null);
		connect(null);
		this.hub.broadcast("tick", "1");
		this.hub.broadcast("tick", "2");
		String last = a.lastEventId();
		a.reset();
		this.hub.broadcast("tick", "3");

		connect(last);
		connect("not-ours");

		assertThat(count("fallback.sse.events.sent")).isEqualTo(6);
		assertThat(count("fallback.sse.events.replayed")).isEqualTo(1);
		assertThat(count("fallback.sse.replay.gaps")).isEqualTo(1);
		assertThat(this.registry.get("fallback.sse.clients.active").gauge().value()).isEqualTo(3);
	}

	@Test
	void slowClientDisconnectedForOverflowIsCounted() {
		this.hub = hub(this.drains, SseHubSettings.defaults().withQueue(4, 1 << 20, SseOverflowPolicy.DISCONNECT));
		InMemorySseTransport stuck = connect(null);
		stuck.stall();
		this.hub.broadcast(null, "in flight");
		stuck.awaitBlockedSend();

		for (int i = 0; i < 10; i++) {
			this.hub.broadcast(null, "event " + i);
		}

		await().atMost(WAIT).untilAsserted(() -> {
			assertThat(count("fallback.sse.clients.slow.disconnected")).isEqualTo(1);
			assertThat(this.registry.get("fallback.sse.clients.active").gauge().value()).isZero();
		});
		stuck.resume();
	}

	@Test
	void eventsDroppedForAFullQueueAreCounted() {
		this.hub = hub(this.drains, SseHubSettings.defaults().withQueue(4, 1 << 20, SseOverflowPolicy.DROP_EVENT));
		InMemorySseTransport stuck = connect(null);
		stuck.stall();
		this.hub.broadcast(null, "in flight");
		stuck.awaitBlockedSend();

		for (int i = 0; i < 10; i++) {
			this.hub.broadcast(null, "event " + i);
		}
		stuck.resume();

		assertThat(count("fallback.sse.events.dropped")).isEqualTo(6);
		assertThat(count("fallback.sse.clients.slow.disconnected")).isZero();
	}

	private SseHub hub(Executor executor, SseHubSettings settings) {
		SseHub hub = new SseHub(settings, (data) -> "encoded " + data, List.of(), executor, System::nanoTime);
		this.binder.bindTo(this.registry);
		hub.setFallbackListener(this.binder);
		return hub;
	}

	private InMemorySseTransport connect(String lastEventId) {
		InMemorySseTransport transport = new InMemorySseTransport();
		transport.start(this.hub.connect(transport, null, lastEventId));
		return transport;
	}

	private double count(String name) {
		return this.registry.get(name).functionCounter().count();
	}

}
