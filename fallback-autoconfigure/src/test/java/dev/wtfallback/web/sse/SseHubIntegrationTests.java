package dev.wtfallback.web.sse;

import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Wire tests of the hub's stream with default settings.
 */
@SpringBootTest(classes = SseTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class SseHubIntegrationTests {

	@LocalServerPort
	private int port;

	@Autowired
	private SseHub hub;

	@Autowired
	private RecordingListener listener;

	private final HttpClient http = SseWire.httpClient();

	private final List<SseTestClient> clients = new ArrayList<>();

	@AfterEach
	void closeClients() {
		this.clients.forEach(SseTestClient::close);
	}

	@Test
	void streamStartsWithConnectedEventAndStreamingHeaders() {
		SseTestClient client = open(Map.of("Origin", "http://elsewhere.test"));

		String id = client.awaitConnected();

		HttpHeaders headers = client.response().headers();
		assertThat(client.response().statusCode()).isEqualTo(200);
		assertThat(headers.firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("text/event-stream"));
		assertThat(headers.firstValue("Cache-Control")).hasValue("no-cache");
		assertThat(headers.firstValue("X-Accel-Buffering")).hasValue("no");
		assertThat(headers.firstValue("Access-Control-Allow-Origin")).isEmpty();
		assertThat(client.received().get(0).data()).isEqualTo("{\"id\":\"" + id + "\"}");
		assertThat(client.lastEventId()).startsWith(id + ":");
		assertThat(client.retry()).isEqualTo(3000);
		assertThat(this.hub.client(id)).isPresent();
	}

	@Test
	void broadcastReachesEveryClientAsJson() {
		List<SseTestClient> all = List.of(open(), open(), open());
		all.forEach(SseTestClient::awaitConnected);

		this.hub.broadcast("news", Map.of("n", 1));

		all.forEach((client) -> assertThat(client.next("news").data()).isEqualTo("{\"n\":1}"));
	}

	@Test
	void sendReachesOnlyTheAddressedClient() {
		SseTestClient a = open();
		SseTestClient b = open();
		String idA = a.awaitConnected();
		b.awaitConnected();

		this.hub.send(idA, "private", "for a");
		this.hub.broadcast("marker", "m");

		assertThat(a.next("private").data()).isEqualTo("for a");
		a.next("marker");
		b.next("marker");
	}

	@Test
	void sendToUnknownClientFailsClearly() {
		assertThatExceptionOfType(UnknownClientException.class)
			.isThrownBy(() -> this.hub.send("AAAAAAAAAAAAAAAAAAAAAA", "x", "y"))
			.withMessageContaining("No open SSE client");
	}

	@Test
	void sendToPrincipalReachesEveryStreamOfThatPrincipal() {
		SseTestClient alice1 = open(Map.of(SseTestApplication.USER_HEADER, "alice"));
		SseTestClient alice2 = open(Map.of(SseTestApplication.USER_HEADER, "alice"));
		SseTestClient bob = open(Map.of(SseTestApplication.USER_HEADER, "bob"));
		List.of(alice1, alice2, bob).forEach(SseTestClient::awaitConnected);

		assertThat(this.hub.sendToPrincipal("alice", "dm", "hi alice")).isEqualTo(2);
		this.hub.broadcast("marker", "m");

		assertThat(alice1.next("dm").data()).isEqualTo("hi alice");
		assertThat(alice2.next("dm").data()).isEqualTo("hi alice");
		bob.next("marker");
	}

	@Test
	void dataCannotInjectEvents() {
		SseTestClient client = open();
		client.awaitConnected();

		this.hub.broadcast(null, "x\n\nevent: evil\ndata: y");
		this.hub.broadcast(null, "a\r\nb\rc");
		this.hub.broadcast("marker", "m");

		SseEvent injected = client.next();
		assertThat(injected.type()).isEqualTo("message");
		assertThat(injected.data()).isEqualTo("x\n\nevent: evil\ndata: y");
		assertThat(client.next().data()).isEqualTo("a\nb\nc");
		client.next("marker");
	}

	@Test
	void eventNamesWithLineBreaksAreRejected() {
		SseTestClient client = open();
		client.awaitConnected();

		assertThatIllegalArgumentException().isThrownBy(() -> this.hub.broadcast("evil\ndata: y", "x"));
		assertThatIllegalArgumentException().isThrownBy(() -> this.hub.broadcast("evil\r", "x"));
		this.hub.broadcast("marker", "m");

		client.next("marker");
	}

	@Test
	void nonAsciiTextRoundTrips() {
		SseTestClient client = open();
		client.awaitConnected();
		String text = "héllo 🌍 日本";

		this.hub.broadcast("text", text);
		this.hub.broadcast("json", Map.of("text", text));

		assertThat(client.next("text").data()).isEqualTo(text);
		assertThat(client.next("json").data()).isEqualTo("{\"text\":\"" + text + "\"}");
	}

	@Test
	void byteArraysArriveAsBase64() {
		SseTestClient client = open();
		client.awaitConnected();

		this.hub.broadcast("bytes", new byte[] { (byte) 0xff, 0, 1 });

		assertThat(client.next("bytes").data()).isEqualTo("/wAB");
	}

	@Test
	void closeEndsTheStreamAndReconnectIsAnsweredNoContent() {
		SseTestClient client = open();
		String id = client.awaitConnected();

		assertThat(this.hub.close(id)).isTrue();

		client.awaitEnd(SseTestClient.WAIT);
		SseTestClient again = open(Map.of("Last-Event-ID", client.lastEventId()));
		assertThat(again.response().statusCode()).isEqualTo(204);
		await().atMost(SseTestClient.WAIT)
			.untilAsserted(() -> assertThat(this.listener.left()).contains(id + " CLOSED"));
	}

	@Test
	void clientThatGoesAwayLeavesExactlyOnce() {
		SseTestClient client = open();
		String id = client.awaitConnected();
		assertThat(this.listener.joined()).contains(id);

		client.close();

		await().atMost(SseTestClient.WAIT).untilAsserted(() -> {
			this.hub.broadcast("poke", "x");
			assertThat(this.listener.leaves(id)).as("leaves of %s", id).isOne();
		});
		assertThat(this.hub.client(id)).isEmpty();
	}

	@Test
	void messagesCannotBePostedWithoutAMessageHandler() {
		SseTestClient client = open();
		String id = client.awaitConnected();

		int status = SseWire.post(this.http, SseWire.uri(this.port, "/events/" + id), "text/plain", "hi", Map.of())
			.statusCode();

		assertThat(status).isEqualTo(404);
	}

	@Test
	void streamOnlyAnswersGet() {
		int status = SseWire.send(this.http, HttpRequest.newBuilder(SseWire.uri(this.port, "/events"))
			.DELETE().build()).statusCode();

		assertThat(status).isEqualTo(405);
	}

	private SseTestClient open() {
		return open(Map.of());
	}

	private SseTestClient open(Map<String, String> headers) {
		SseTestClient client = SseTestClient.open(this.http, SseWire.uri(this.port, "/events"), headers);
		this.clients.add(client);
		return client;
	}

}
