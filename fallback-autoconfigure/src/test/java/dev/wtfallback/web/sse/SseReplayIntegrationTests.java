package dev.wtfallback.web.sse;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Wire tests of reconnecting with {@code Last-Event-ID}, as a browser's EventSource does.
 */
@SpringBootTest(classes = SseTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "fallback.sse.replay.max-events=20")
class SseReplayIntegrationTests {

	@LocalServerPort
	private int port;

	@Autowired
	private SseHub hub;

	private final HttpClient http = SseWire.httpClient();

	private final List<SseTestClient> clients = new ArrayList<>();

	@AfterEach
	void closeClients() {
		this.clients.forEach(SseTestClient::close);
	}

	@Test
	void reconnectingClientReceivesExactlyWhatItMissedOverAHundredReconnects() {
		SseTestClient current = open(Map.of());
		String id = current.awaitConnected();
		List<String> seen = new ArrayList<>();
		int published = 0;
		for (int round = 0; round < 100; round++) {
			this.hub.broadcast("n", String.valueOf(published++));
			seen.add(current.next("n").data());
			String lastEventId = current.lastEventId();
			current.close();
			for (int away = 0; away < 3; away++) {
				this.hub.broadcast("n", String.valueOf(published++));
			}
			current = open(Map.of("Last-Event-ID", lastEventId));
			assertThat(current.next("connected").data()).isEqualTo("{\"id\":\"" + id + "\",\"resumed\":true}");
			for (int away = 0; away < 3; away++) {
				seen.add(current.next("n").data());
			}
		}

		current.assertNoMoreEvents(Duration.ofMillis(200));
		assertThat(seen).containsExactlyElementsOf(IntStream.range(0, published).mapToObj(String::valueOf).toList());
		await().atMost(SseTestClient.WAIT).untilAsserted(() -> assertThat(this.hub.count()).isOne());
	}

	@Test
	void gapIsSignalledWhenTheMissedEventsWereEvicted() {
		SseTestClient client = open(Map.of());
		String id = client.awaitConnected();
		client.close();
		for (int i = 0; i < 25; i++) {
			this.hub.broadcast("n", i);
		}

		SseTestClient again = open(Map.of("Last-Event-ID", client.lastEventId()));
		again.next("connected");
		SseEvent gap = again.next("replay-gap");
		this.hub.broadcast("live", "after the gap");

		assertThat(gap.data()).isEqualTo("{\"lastEventId\":\"" + client.lastEventId() + "\"}");
		assertThat(gap.lastEventId()).startsWith(id + ":");
		assertThat(again.next().data()).isEqualTo("after the gap");
	}

	@Test
	void unknownIdentityGetsNewIdAndGap() {
		SseTestClient client = open(Map.of("Last-Event-ID", "AAAAAAAAAAAAAAAAAAAAAA:5"));

		String id = client.awaitConnected();

		assertThat(id).isNotEqualTo("AAAAAAAAAAAAAAAAAAAAAA");
		client.next("replay-gap");
	}

	private SseTestClient open(Map<String, String> headers) {
		SseTestClient client = SseTestClient.open(this.http, SseWire.uri(this.port, "/events"), headers);
		this.clients.add(client);
		return client;
	}

}
