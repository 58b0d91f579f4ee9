package dev.wtfallback.autoconfigure.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.wtfallback.core.WtConnection;
import dev.wtfallback.core.client.QmuxClient;
import dev.wtfallback.testsupport.EventStreamLines;
import dev.wtfallback.testsupport.RawHandshake;
import dev.wtfallback.web.sse.SseClient;
import dev.wtfallback.web.sse.SseHub;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests that with Spring Security in front of the endpoints, the user it authenticated is the
 * principal of the QMux connection and of the SSE hub client, and that anonymous requests never
 * reach them.
 */
class SpringSecurityHandshakeIntegrationTests {

	private static final String[] SECURED = { "spring.autoconfigure.exclude=", "spring.security.user.name=alice",
			"spring.security.user.password=secret" };

	private static final String BASIC = "Basic "
			+ Base64.getEncoder().encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8));

	@Test
	void authenticatedUserIsThePrincipalOfTheConnectionAndOfTheSseClient() throws Exception {
		try (ConfigurableApplicationContext context = OperationsTestApplication.start(SECURED);
				QmuxClient client = QmuxClient.builder().header("Authorization", BASIC).build()) {
			int port = OperationsTestApplication.port(context);

			client.connect(URI.create("ws://127.0.0.1:" + port + "/wt"));
			EventStreamLines stream = EventStreamLines.open(HttpClient.newHttpClient(),
					URI.create("http://127.0.0.1:" + port + "/events"), Map.of("Authorization", BASIC));
			stream.connected().get(10, TimeUnit.SECONDS);

			WtConnection connection = context.getBean(OperationsTestApplication.Connections.class).next();
			assertThat(connection.principal()).isNotNull();
			assertThat(connection.principal().getName()).isEqualTo("alice");
			SseHub hub = context.getBean(SseHub.class);
			await().atMost(Duration.ofSeconds(5)).until(() -> hub.count() == 1);
			SseClient sseClient = hub.clients().get(0);
			assertThat(sseClient.principal()).isNotNull();
			assertThat(sseClient.principal().getName()).isEqualTo("alice");
			stream.cancel();
		}
	}

	@Test
	void anonymousRequestsAreRefusedBeforeTheEndpoints() throws Exception {
		try (ConfigurableApplicationContext context = OperationsTestApplication.start(SECURED)) {
			int port = OperationsTestApplication.port(context);

			RawHandshake handshake = RawHandshake.send(port, "/wt", "Sec-WebSocket-Protocol: qmux-02");
			EventStreamLines stream = EventStreamLines.open(HttpClient.newHttpClient(),
					URI.create("http://127.0.0.1:" + port + "/events"), Map.of());

			assertThat(handshake.statusCode()).isEqualTo(401);
			// Spring Security's default answers a browser-like request with a redirect to its login page.
			assertThat(stream.status().get(10, TimeUnit.SECONDS)).isIn(302, 401);
			assertThat(context.getBean(SseHub.class).count()).isZero();
		}
	}

}
