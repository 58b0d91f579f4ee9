package dev.wtfallback.web.sse;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.wtfallback.web.sse.SseIngressTestConfiguration.RecordingMessageHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wire tests of messages posted to {@code /events/{clientId}} and of cross-origin rules.
 */
@SpringBootTest(classes = { SseTestApplication.class, SseIngressTestConfiguration.class },
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "fallback.sse.max-message-size=1KB", "fallback.security.allowed-origins=http://allowed.test" })
class SseIngressIntegrationTests {

	@LocalServerPort
	private int port;

	@Autowired
	private SseHub hub;

	@Autowired
	private RecordingMessageHandler handler;

	private final HttpClient http = SseWire.httpClient();

	private final List<SseTestClient> clients = new ArrayList<>();

	@AfterEach
	void closeClients() {
		this.clients.forEach(SseTestClient::close);
	}

	@Test
	void postedMessageReachesTheHandler() {
		String id = connect(Map.of());

		HttpResponse<String> text = post(id, "text/plain", "hello", Map.of());
		HttpResponse<String> json = post(id, "application/json", "{\"a\":1}", Map.of());

		assertThat(text.statusCode()).isEqualTo(202);
		assertThat(text.body()).isEqualTo("{\"status\":\"delivered\"}");
		assertThat(json.statusCode()).isEqualTo(202);
		assertThat(this.handler.received).contains(id + " plain hello", id + " json {\"a\":1}");
	}

	@Test
	void unknownClientIsNotFound() {
		HttpResponse<String> response = post("AAAAAAAAAAAAAAAAAAAAAA", "text/plain", "hello", Map.of());

		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(response.body()).contains("\"error\":\"unknown-client\"");
	}

	@Test
	void closedClientIsGone() {
		String id = connect(Map.of());
		this.hub.close(id);

		HttpResponse<String> response = post(id, "text/plain", "hello", Map.of());

		assertThat(response.statusCode()).isEqualTo(410);
		assertThat(response.body()).contains("\"error\":\"client-gone\"");
	}

	@Test
	void duplicateMessageIdIsDeliveredOnce() {
		String id = connect(Map.of());
		Map<String, String> key = Map.of("Idempotency-Key", "msg-1");

		HttpResponse<String> first = post(id, "text/plain", "once", key);
		HttpResponse<String> retry = post(id, "text/plain", "once", key);

		assertThat(first.statusCode()).isEqualTo(202);
		assertThat(retry.statusCode()).isEqualTo(200);
		assertThat(retry.body()).isEqualTo("{\"status\":\"duplicate\"}");
		assertThat(this.handler.received).containsOnlyOnce(id + " plain once");
	}

	@Test
	void failedDeliveryReleasesTheMessageId() {
		String id = connect(Map.of());
		Map<String, String> key = Map.of("Idempotency-Key", "msg-2");

		HttpResponse<String> failed = post(id, "text/plain", "fail", key);
		HttpResponse<String> retry = post(id, "text/plain", "fail", key);

		assertThat(failed.statusCode()).isEqualTo(500);
		assertThat(failed.body()).contains("\"error\":\"handler-failed\"");
		assertThat(retry.statusCode()).isEqualTo(500);
	}

	@Test
	void invalidMessageIdIsRejected() {
		String id = connect(Map.of());

		HttpResponse<String> response = post(id, "text/plain", "x", Map.of("Idempotency-Key", "k".repeat(129)));

		assertThat(response.statusCode()).isEqualTo(400);
	}

	@Test
	void tooLargeBodyIsRejected() {
		String id = connect(Map.of());

		HttpResponse<String> response = post(id, "text/plain", "x".repeat(2048), Map.of());

		assertThat(response.statusCode()).isEqualTo(413);
		assertThat(response.body()).contains("\"error\":\"message-too-large\"")
			.contains("fallback.sse.max-message-size");
		assertThat(this.handler.received).noneMatch((entry) -> entry.startsWith(id));
	}

	@Test
	void unsupportedContentTypeIsRejected() {
		String id = connect(Map.of());

		HttpResponse<String> response = post(id, "text/html", "<p>", Map.of());

		assertThat(response.statusCode()).isEqualTo(415);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/json"));
	}

	@Test
	void onlyThePrincipalThatOpenedTheStreamMayPost() {
		String id = connect(Map.of(SseTestApplication.USER_HEADER, "alice"));

		HttpResponse<String> bob = post(id, "text/plain", "hi", Map.of(SseTestApplication.USER_HEADER, "bob"));
		HttpResponse<String> anonymous = post(id, "text/plain", "hi", Map.of());
		HttpResponse<String> alice = post(id, "text/plain", "hi", Map.of(SseTestApplication.USER_HEADER, "alice"));

		assertThat(bob.statusCode()).isEqualTo(403);
		assertThat(anonymous.statusCode()).isEqualTo(403);
		assertThat(alice.statusCode()).isEqualTo(202);
		assertThat(this.handler.received).containsOnlyOnce(id + " plain hi");
	}

	@Test
	void allowedOriginIsEchoedAndNeverAWildcard() {
		SseTestClient client = open(Map.of("Origin", "http://allowed.test"));
		client.awaitConnected();

		assertThat(client.response().headers().firstValue("Access-Control-Allow-Origin"))
			.hasValue("http://allowed.test");
	}

	@Test
	void otherOriginsAreRefused() {
		String id = connect(Map.of());

		HttpResponse<String> response = post(id, "text/plain", "hi", Map.of("Origin", "http://evil.test"));

		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
		assertThat(this.handler.received).noneMatch((entry) -> entry.startsWith(id));
	}

	@Test
	void preflightAllowsTheIdempotencyKeyHeader() {
		HttpRequest preflight = HttpRequest.newBuilder(uri("/events/AAAAAAAAAAAAAAAAAAAAAA"))
			.method("OPTIONS", HttpRequest.BodyPublishers.noBody())
			.header("Origin", "http://allowed.test")
			.header("Access-Control-Request-Method", "POST")
			.header("Access-Control-Request-Headers", "content-type, idempotency-key")
			.build();

		HttpResponse<String> response = SseWire.send(this.http, preflight);

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://allowed.test");
		assertThat(response.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase())
			.contains("idempotency-key");
	}

	private String connect(Map<String, String> headers) {
		return open(headers).awaitConnected();
	}

	private SseTestClient open(Map<String, String> headers) {
		SseTestClient client = SseTestClient.open(this.http, uri("/events"), headers);
		this.clients.add(client);
		return client;
	}

	private HttpResponse<String> post(String clientId, String contentType, String body, Map<String, String> headers) {
		return SseWire.post(this.http, uri("/events/" + clientId), contentType, body, headers);
	}

	private URI uri(String path) {
		return SseWire.uri(this.port, path);
	}

}
