package dev.wtfallback.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.wtfallback.core.WtConnection;
import dev.wtfallback.core.client.QmuxClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that the sample application exposes its operations endpoints: the fallback endpoint,
 * the meters in JSON and Prometheus form, and the fallback health contributor.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
class OperationsIntegrationTests {

	@LocalServerPort
	private int port;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void operationsEndpointsAreExposed() throws Exception {
		try (QmuxClient client = QmuxClient.builder().applicationProtocols("echo").build()) {
			WtConnection connection = client.connect(URI.create("ws://127.0.0.1:" + this.port + "/wt"));

			assertThat(get("/actuator/fallback")).contains("\"accepting\":true").contains("\"protocols\":[\"echo\"]");
			assertThat(get("/actuator/metrics/fallback.sessions.opened"))
				.contains("\"name\":\"fallback.sessions.opened\"");
			assertThat(get("/actuator/prometheus")).contains("fallback_sessions_opened_sessions_total");
			assertThat(get("/actuator/health")).contains("\"fallback\":{\"status\":\"UP\"");
			connection.close();
		}
	}

	@Test
	void transportsTheClientSkippedAreKeptOnTheConnectionAndCounted() throws Exception {
		try (QmuxClient client = QmuxClient.builder().applicationProtocols("echo").build()) {
			URI uri = URI.create("ws://127.0.0.1:" + this.port + "/wt?fallback-reason=webtransport-unsupported");
			WtConnection connection = client.connect(uri);

			assertThat(get("/actuator/metrics/fallback.transports.skipped?tag=transport:websocket"
					+ "&tag=skipped:webtransport&tag=reason:unsupported")).contains("\"value\":1.0");
			connection.close();
		}
	}

	private String get(String path) throws Exception {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
					.timeout(Duration.ofSeconds(10))
					.build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return response.body();
	}

}
