package dev.wtfallback.web.sse;

import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link SseHub} over in-memory transports. Drains run inline, so every assertion
 * sees the writes of the call before it, except in tests that stall a transport: a stalled
 * send blocks like a write to a client that stopped reading, so those tests drain on a thread
 * pool and wait for what they check.
 */
class SseHubTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

	private final ExecutorService drains = Executors.newCachedThreadPool();

	private final AtomicLong clock = new AtomicLong();

	private final RecordingListener listener = new RecordingListener();

	private SseHub hub = hub(SseHubSettings.defaults());

	@AfterEach
	void stopDrains() {
		this.drains.shutdownNow();
	}

	@Test
	void clientIdsAreUrlSafeRandomAndUnique() {
		Set<String> ids = new HashSet<>();
		for (int i = 0; i < 1000; i++) {
			ids.add(connect(null, null).id());
		}

		assertThat(ids).hasSize(1000).allMatch((id) -> id.matches("[A-Za-z0-9_-]{22}"));
	}

	@Test
	void connectedComesFirstAndEveryEventCarriesClientIdAndPosition() {
		Connection a = connect(null, null);

		this.hub.broadcast("tick", "1");
		this.hub.broadcast("tick", "2");

		assertThat(a.events()).containsExactly(new SseEvent("connected", "{\"id\":\"" + a.id() + "\"}", a.id() + ":0"),
				new SseEvent("tick", "1", a.id() + ":1"), new SseEvent("tick", "2", a.id() + ":2"));
	}

	@Test
	void resumedClientGetsMissedBroadcastsItsOwnAndItsPrincipalsEventsOnce() {
		this.hub = threadedHub(SseHubSettings.defaults());
		Connection a = connect(principal("alice"), null);
		Connection b = connect(null, null);
		this.hub.broadcast(null, "seen");
		await().atMost(WAIT).untilAsserted(() -> assertThat(a.data()).contains("seen"));
		String last = a.transport().lastEventId();
		a.transport().stall();
		this.hub.send(a.id(), null, "mine");
		this.hub.send(b.id(), null, "not mine");
		this.hub.sendToPrincipal("alice", null, "alice's");
		a.transport().reset();
		this.hub.broadcast(null, "while away");

		Connection again = connect(principal("alice"), last);

		assertThat(again.id()).isEqualTo(a.id());
		assertThat(again.client().isResumed()).isTrue();
		await().atMost(WAIT).untilAsserted(() -> assertThat(again.data())
			.containsExactly("{\"id\":\"" + a.id() + "\",\"resumed\":true}", "mine", "alice's", "while away"));
		assertThat(this.listener.leaves(a.id())).isOne();
	}

	@Test
	void resumingAnotherPrincipalsIdentityGetsNewIdAndGap() {
		Connection a = connect(principal("alice"), null);
		a.transport().reset();

		Connection other = connect(principal("mallory"), a.transport().lastEventId());

		assertThat(other.id()).isNotEqualTo(a.id());
		assertThat(other.types()).containsExactly("connected", "replay-gap");
	}

	@Test
	void gapIsSignalledWhenReplayNoLongerCoversTheMissedEvents() {
		this.hub = hub(SseHubSettings.defaults().withReplay(2, Duration.ofMinutes(1)));
		Connection a = connect(null, null);
		a.transport().reset();
		for (int i = 0; i < 3; i++) {
			this.hub.broadcast(null, "missed " + i);
		}

		Connection again = connect(null, a.transport().lastEventId());
		this.hub.broadcast(null, "live");

		assertThat(again.id()).isEqualTo(a.id());
		assertThat(again.types()).containsExactly("connected", "replay-gap", "message");
		assertThat(again.data()).last().isEqualTo("live");
	}

	@Test
	void unknownLastEventIdGetsNewIdentityAndGap() {
		Connection a = connect(null, "not-ours");

		assertThat(a.types()).containsExactly("connected", "replay-gap");
		assertThat(a.data().get(1)).isEqualTo("{\"lastEventId\":\"not-ours\"}");
	}

	@Test
	void overflowDisconnectsTheStuckClientOnceAndCountsIt() {
		this.hub = threadedHub(SseHubSettings.defaults().withQueue(4, 1 << 20, SseOverflowPolicy.DISCONNECT));
		Connection stuck = connect(null, null);
		Connection fine = connect(null, null);
		stuck.transport().stall();
		this.hub.broadcast(null, "event 0");
		stuck.transport().awaitBlockedSend();

		for (int i = 1; i < 10; i++) {
			String data = "event " + i;
			this.hub.broadcast(null, data);
			await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2))
				.untilAsserted(() -> assertThat(fine.data()).contains(data));
		}

		assertThat(this.hub.overflowCount()).isOne();
		assertThat(this.listener.left()).containsExactly(stuck.id() + " OVERFLOW");
		assertThat(this.hub.count()).isOne();
		assertThat(fine.data()).hasSize(11);
		assertThat(stuck.transport().isCompleted()).as("completed while its send blocks").isFalse();
		stuck.transport().resume();
		await().atMost(WAIT).until(stuck.transport()::isCompleted);
		assertThat(this.listener.left()).hasSize(1);
	}

	@Test
	void byteLimitOverflowsTooButAcceptsOneLargeEventOnAnEmptyQueue() {
		this.hub = threadedHub(SseHubSettings.defaults().withQueue(100, 1000, SseOverflowPolicy.DISCONNECT));
		Connection stuck = connect(null, null);
		stuck.transport().stall();
		this.hub.broadcast(null, "in flight");
		stuck.transport().awaitBlockedSend();

		this.hub.broadcast(null, "x".repeat(5000));
		assertThat(stuck.client().isOpen()).isTrue();
		this.hub.broadcast(null, "y");

		assertThat(this.listener.left()).containsExactly(stuck.id() + " OVERFLOW");
	}

	@Test
	void dropPolicyDropsEventsForTheStuckClientOnly() {
		this.hub = threadedHub(SseHubSettings.defaults().withQueue(4, 1 << 20, SseOverflowPolicy.DROP_EVENT));
		Connection stuck = connect(null, null);
		stuck.transport().stall();
		this.hub.broadcast(null, "in flight");
		stuck.transport().awaitBlockedSend();

		for (int i = 0; i < 10; i++) {
			this.hub.broadcast(null, "event " + i);
		}
		stuck.transport().resume();

		assertThat(this.hub.droppedEventCount()).isEqualTo(6);
		await().atMost(WAIT).untilAsserted(() -> assertThat(stuck.data()).containsExactly(
				"{\"id\":\"" + stuck.id() + "\"}", "in flight", "event 0", "event 1", "event 2", "event 3"));
		assertThat(stuck.client().isOpen()).isTrue();
	}

	@Test
	void sendToUnknownOrClosedClientThrows() {
		Connection a = connect(null, null);
		this.hub.close(a.id());

		assertThatExceptionOfType(UnknownClientException.class).isThrownBy(() -> this.hub.send("nope", null, "x"))
			.satisfies((ex) -> assertThat(ex.getClientId()).isEqualTo("nope"));
		assertThatExceptionOfType(UnknownClientException.class).isThrownBy(() -> this.hub.send(a.id(), null, "x"))
			.withMessageContaining("No open SSE client");
	}

	@Test
	void closeWritesQueuedEventsThenRevokesTheIdentity() {
		Connection a = connect(null, null);
		this.hub.broadcast(null, "last words");

		assertThat(this.hub.close(a.id())).isTrue();

		assertThat(a.data()).last().isEqualTo("last words");
		assertThat(a.transport().isCompleted()).isTrue();
		assertThat(this.listener.left()).containsExactly(a.id() + " CLOSED");
		assertThat(this.hub.isRevoked(a.transport().lastEventId())).isTrue();
		assertThat(connect(null, a.transport().lastEventId()).id()).isNotEqualTo(a.id());
		assertThat(this.hub.close("nope")).isFalse();
	}

	@Test
	void repeatedTransportCallbacksRemoveAClientExactlyOnce() {
		Connection a = connect(null, null);

		a.transport().reset();
		a.transport().reset();
		a.client().transportCompleted();
		a.client().transportTimedOut();

		assertThat(this.listener.left()).containsExactly(a.id() + " GONE");
		assertThat(this.hub.count()).isZero();
	}

	@Test
	void dataIsSentAsTextAsBase64OrThroughTheEncoder() {
		Connection a = connect(null, null);

		this.hub.broadcast(null, new StringBuilder("chars"));
		this.hub.broadcast(null, new byte[] { 1, 2, 3 });
		this.hub.broadcast(null, 42);
		this.hub.broadcast(null, null);

		assertThat(a.data()).containsSequence("chars", "AQID", "encoded 42", "encoded null");
	}

	@Test
	void eventNameWithLineBreakIsRejectedAndNothingIsPublished() {
		Connection a = connect(null, null);

		assertThatIllegalArgumentException().isThrownBy(() -> this.hub.broadcast("evil\nevent: x", "y"));
		assertThatIllegalArgumentException().isThrownBy(() -> this.hub.send(a.id(), "evil\r", "y"));
		this.hub.broadcast(null, "next");

		assertThat(a.transport().lastEventId()).isEqualTo(a.id() + ":1");
	}

	@Test
	void broadcastsRacingDisconnectsNeverThrow() {
		this.hub = new SseHub(SseHubSettings.defaults(), SseDataEncoder.scalarsOnly(), List.of(this.listener));
		List<Connection> connections = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			connections.add(connect(null, null));
		}
		CompletableFuture<Void> broadcasts = CompletableFuture.runAsync(() -> {
			for (int i = 0; i < 500; i++) {
				this.hub.broadcast("tick", i);
			}
		});
		for (int i = 0; i < connections.size(); i += 2) {
			connections.get(i).transport().failWrites();
			connections.get(i + 1).transport().reset();
		}
		assertThat(broadcasts).succeedsWithin(Duration.ofSeconds(10));
		this.hub.broadcast("tick", "final");

		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.hub.count()).isZero());
		assertThat(this.listener.left()).hasSize(200);
		this.hub.close();
	}

	@Test
	void shutdownSendsFinalEventAndCutsOffStuckClients() {
		this.hub = threadedHub(new SseHubSettings(Duration.ofSeconds(3), Duration.ZERO, 10, Duration.ofMinutes(1), 10,
				1000, SseOverflowPolicy.DISCONNECT, Duration.ofMillis(200)));
		Connection fine = connect(null, null);
		Connection stuck = connect(null, null);
		stuck.transport().stall();
		this.hub.send(stuck.id(), null, "in flight");
		stuck.transport().awaitBlockedSend();

		assertThat(CompletableFuture.runAsync(this.hub::stop)).succeedsWithin(Duration.ofSeconds(5));

		assertThat(fine.types()).containsExactly("connected", "shutdown");
		assertThat(fine.transport().isCompleted()).isTrue();
		assertThat(this.listener.left()).containsExactlyInAnyOrder(fine.id() + " SHUTDOWN", stuck.id() + " SHUTDOWN");
		assertThat(this.hub.isAccepting()).isFalse();
		stuck.transport().resume();
		await().atMost(WAIT).until(stuck.transport()::isCompleted);
		assertThat(stuck.types()).doesNotContain("shutdown");
	}

	@Test
	void heartbeatsGoToIdleStreams() {
		this.hub = hub(SseHubSettings.defaults().withHeartbeatInterval(Duration.ofMillis(20)));
		Connection a = connect(null, null);

		this.hub.start();

		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(a.transport().comments())
			.as("comments so far").contains(" heartbeat"));
		this.hub.stop();
	}

	private SseHub hub(SseHubSettings settings) {
		return new SseHub(settings, (data) -> "encoded " + data, List.of(this.listener), Runnable::run,
				this.clock::get);
	}

	private SseHub threadedHub(SseHubSettings settings) {
		return new SseHub(settings, (data) -> "encoded " + data, List.of(this.listener), this.drains,
				this.clock::get);
	}

	private Connection connect(@Nullable Principal principal, @Nullable String lastEventId) {
		InMemorySseTransport transport = new InMemorySseTransport();
		SseClient client = this.hub.connect(transport, principal, lastEventId);
		transport.start(client);
		return new Connection(client, transport);
	}

	private static Principal principal(String name) {
		return () -> name;
	}

	private record Connection(SseClient client, InMemorySseTransport transport) {

		String id() {
			return this.client.id();
		}

		List<SseEvent> events() {
			return this.transport.events();
		}

		List<String> data() {
			return events().stream().map(SseEvent::data).toList();
		}

		List<String> types() {
			return events().stream().map(SseEvent::type).toList();
		}

	}

}
