package dev.wtfallback.autoconfigure.actuate;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import dev.wtfallback.core.BidirectionalStream;
import dev.wtfallback.core.SendStream;
import dev.wtfallback.core.WtConnection;
import dev.wtfallback.core.client.QmuxClient;
import dev.wtfallback.testsupport.EventStreamLines;
import dev.wtfallback.testsupport.RawHandshake;
import dev.wtfallback.web.sse.SseHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Drives scripted traffic through a real Tomcat and reads the meters back over
 * {@code /actuator/metrics} and {@code /actuator/prometheus}, and the state over
 * {@code /actuator/fallback}.
 */
@SpringBootTest(classes = ActuatorTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "fallback.shutdown.grace-period=0s",
				"management.endpoints.web.exposure.include=health,metrics,prometheus,fallback",
				"management.endpoint.health.show-details=always", "fallback.security.allowed-origins=https://app.test",
				"fallback.limits.max-sessions=500", "fallback.limits.max-sessions-per-address=50" })
class FallbackActuatorIntegrationTests {

	private static final Pattern CLIENT_ID = Pattern.compile("^data: \\{\"id\":\"([^\"]+)\"");

	private final HttpClient http = HttpClient.newHttpClient();

	@Autowired
	private SseHub hub;

	@LocalServerPort
	private int port;

	@Autowired
	private ActuatorTestApplication.Served served;

	private QmuxClient client;

	@BeforeEach
	void createClient() {
		this.client = QmuxClient.builder().build();
	}

	@AfterEach
	void closeClient() {
		this.client.close();
	}

	@Test
	void scriptedTrafficIsVisibleAtTheMetricsEndpoint() throws Exception {
		double opened = metric("fallback.sessions.opened", "transport:websocket");
		double streams = metric("fallback.streams.opened", "direction:bidirectional");
		double datagrams = metric("fallback.datagrams.received", "transport:websocket");
		double resets = metric("fallback.streams.reset", "side:peer");
		double refusedOrigin = metric("fallback.handshakes.refused", "reason:origin");
		double graceful = metric("fallback.sessions.closed", "outcome:graceful");
		double bytesReceived = metric("fallback.bytes.received", "transport:websocket");

		WtConnection connection = this.client.connect(uri());
		assertThat(echo(connection, "hello")).isEqualTo("hello");
		connection.sendDatagram(new byte[] { 1, 2, 3 });
		assertThat(connection.receiveDatagramAsync().get(5, TimeUnit.SECONDS)).containsExactly(1, 2, 3);
		BidirectionalStream aborted = connection.openStream();
		aborted.write(new byte[] { 9 });
		aborted.reset(7);
		SendStream unidirectional = connection.openUnidirectionalStream();
		unidirectional.write(new byte[] { 1 });
		unidirectional.finish();
		RawHandshake foreign = RawHandshake.send(this.port, "/wt", "Origin: https://elsewhere.test",
				"Sec-WebSocket-Protocol: qmux-02");
		assertThat(foreign.statusCode()).isEqualTo(403);

		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			assertThat(metric("fallback.sessions.opened", "transport:websocket")).isEqualTo(opened + 1);
			assertThat(metric("fallback.sessions.active", "transport:websocket")).isEqualTo(1);
			assertThat(metric("fallback.streams.opened", "direction:bidirectional")).isEqualTo(streams + 2);
			assertThat(metric("fallback.streams.opened", "direction:unidirectional")).isGreaterThanOrEqualTo(1);
			assertThat(metric("fallback.streams.reset", "side:peer")).isEqualTo(resets + 1);
			assertThat(metric("fallback.datagrams.received", "transport:websocket")).isEqualTo(datagrams + 1);
			assertThat(metric("fallback.datagrams.sent", "transport:websocket")).isGreaterThanOrEqualTo(1);
			assertThat(metric("fallback.handshakes.refused", "reason:origin")).isEqualTo(refusedOrigin + 1);
			assertThat(metric("fallback.bytes.received", "transport:websocket")).isGreaterThan(bytesReceived + 5);
			assertThat(metric("fallback.bytes.sent", "transport:websocket")).isPositive();
		});
		connection.close(0, "done");
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			assertThat(metric("fallback.sessions.closed", "outcome:graceful")).isEqualTo(graceful + 1);
			assertThat(metric("fallback.sessions.active", "transport:websocket")).isZero();
		});
	}

	@Test
	void sseHubTrafficIsVisibleAtTheMetricsEndpoint() throws Exception {
		double sent = metric("fallback.sse.events.sent", null);
		double accepted = metric("fallback.sse.ingress.messages", "outcome:accepted");
		double duplicate = metric("fallback.sse.ingress.messages", "outcome:duplicate");
		double refused = metric("fallback.sse.ingress.messages", "outcome:refused");
		EventStreamLines stream = EventStreamLines.open(this.http, URI.create(base() + "/events"), Map.of());
		stream.connected().get(10, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(5)).until(() -> clientId(stream) != null);
		String clientId = clientId(stream);

		this.hub.broadcast("news", "one");
		assertThat(post("/events/" + clientId, "key-1").statusCode()).isEqualTo(202);
		assertThat(post("/events/" + clientId, "key-1").statusCode()).isEqualTo(200);
		assertThat(post("/events/no-such-client", "key-2").statusCode()).isEqualTo(404);

		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			assertThat(metric("fallback.sse.clients.active", null)).isEqualTo(1);
			assertThat(metric("fallback.sse.events.sent", null)).isEqualTo(sent + 1);
			assertThat(metric("fallback.sse.ingress.messages", "outcome:accepted")).isEqualTo(accepted + 1);
			assertThat(metric("fallback.sse.ingress.messages", "outcome:duplicate")).isEqualTo(duplicate + 1);
			assertThat(metric("fallback.sse.ingress.messages", "outcome:refused")).isEqualTo(refused + 1);
		});
		this.hub.close(clientId);
		await().atMost(Duration.ofSeconds(5)).until(() -> metric("fallback.sse.clients.active", null) == 0);
		stream.cancel();
	}

	private static String clientId(EventStreamLines stream) {
		return stream.lines()
			.stream()
			.map(CLIENT_ID::matcher)
			.filter(Matcher::find)
			.map((matcher) -> matcher.group(1))
			.findFirst()
			.orElse(null);
	}

	private HttpResponse<String> post(String path, String idempotencyKey) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create(base() + path))
			.header("Content-Type", "text/plain")
			.header("Idempotency-Key", idempotencyKey)
			.POST(BodyPublishers.ofString("hi"))
			.timeout(Duration.ofSeconds(10))
			.build(), BodyHandlers.ofString());
	}

	@Test
	void metersAppearInPrometheusFormat() throws Exception {
		this.client.connect(uri()).close();

		String scrape = get("/actuator/prometheus").body();

		assertThat(scrape).contains("# HELP fallback_sessions_opened_sessions_total Sessions established")
			.contains("fallback_sessions_opened_sessions_total{transport=\"websocket\"}")
			.contains("fallback_bytes_received_bytes_total{transport=\"websocket\"}")
			.contains("fallback_handshakes_refused_handshakes_total{reason=\"limit\",transport=\"websocket\"}")
			.contains("fallback_sse_clients_active_clients ");
	}

	@Test
	void endpointDescribesSettingsLimitsAndLiveCounts() throws Exception {
		WtConnection connection = this.client.connect(uri());
		BidirectionalStream open = connection.openStream();
		open.write(new byte[] { 1 });
		this.served.next();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> JsonPath.<Integer>read(get("/actuator/fallback").body(),
					"$.transports.websocket.activeStreams") == 1);

		String json = get("/actuator/fallback").body();

		assertThat(JsonPath.<Boolean>read(json, "$.accepting")).isTrue();
		assertThat(JsonPath.<Integer>read(json, "$.transports.websocket.activeSessions")).isEqualTo(1);
		assertThat(JsonPath.<Integer>read(json, "$.transports.sse.activeSessions")).isZero();
		assertThat(JsonPath.<Integer>read(json, "$.limits.maxSessions")).isEqualTo(500);
		assertThat(JsonPath.<Integer>read(json, "$.limits.maxSessionsPerAddress")).isEqualTo(50);
		assertThat(JsonPath.<Boolean>read(json, "$.origins.sameOriginOnly")).isFalse();
		assertThat(JsonPath.<String>read(json, "$.origins.allowedOrigins[0]")).isEqualTo("https://app.test");
		assertThat(JsonPath.<String>read(json, "$.shutdown.gracePeriod")).isEqualTo("PT0S");
		assertThat(JsonPath.<Integer>read(json, "$.shutdown.closeCode")).isEqualTo(1001);
		assertThat(JsonPath.<String>read(json, "$.websocket.path")).isEqualTo("/wt");
		assertThat(JsonPath.<String>read(json, "$.websocket.idleTimeout")).isEqualTo("PT30S");
		assertThat(JsonPath.<Integer>read(json, "$.websocket.maxRecordSize")).isEqualTo(16382);
		assertThat(JsonPath.<Integer>read(json, "$.websocket.initialMaxData")).isEqualTo(1024 * 1024);
		assertThat(JsonPath.<Integer>read(json, "$.sseHub.clients")).isZero();
		assertThat(JsonPath.<Integer>read(json, "$.sseHub.replayMaxEvents")).isEqualTo(1000);
		assertThat(JsonPath.<String>read(json, "$.sseHub.overflowPolicy")).isEqualTo("disconnect");
		assertThat(json).doesNotContain(connection.id().substring(3)).doesNotContain("127.0.0.1");
		connection.close();
	}

	@Test
	void healthReportsTheFallbackContributor() throws Exception {
		String json = get("/actuator/health").body();

		assertThat(JsonPath.<String>read(json, "$.components.fallback.status")).isEqualTo("UP");
	}

	private static String echo(WtConnection connection, String text) throws IOException {
		BidirectionalStream stream = connection.openStream();
		stream.write(text.getBytes(StandardCharsets.UTF_8));
		stream.finish();
		return new String(stream.readAllBytes(1024), StandardCharsets.UTF_8);
	}

	private double metric(String name, String tag) throws Exception {
		HttpResponse<String> response = get("/actuator/metrics/" + name + ((tag != null) ? "?tag=" + tag : ""));
		assertThat(response.statusCode()).as(name + " " + tag + ": " + response.body()).isEqualTo(200);
		return JsonPath.<Number>read(response.body(), "$.measurements[0].value").doubleValue();
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create(base() + path))
			.timeout(Duration.ofSeconds(10))
			.build(), BodyHandlers.ofString());
	}

	private String base() {
		return "http://127.0.0.1:" + this.port;
	}

	private URI uri() {
		return URI.create("ws://127.0.0.1:" + this.port + "/wt");
	}

}
