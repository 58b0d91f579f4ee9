package dev.wtfallback.autoconfigure.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.wtfallback.core.WtConnection;
import dev.wtfallback.core.client.QmuxClient;
import dev.wtfallback.testsupport.RawHandshake;
import dev.wtfallback.web.server.HandshakeAuthenticator;
import dev.wtfallback.web.server.SessionLimiter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Handshakes refused for their origin, the session limits and authentication, on a real
 * Tomcat: the status each gets, and the counters that count them.
 */
class SessionAdmissionIntegrationTests {

	private static final String PROTOCOL = "Sec-WebSocket-Protocol: qmux-02";

	@Test
	void foreignOriginIsRefusedWith403AndCounted() throws Exception {
		try (ConfigurableApplicationContext context = OperationsTestApplication.start()) {
			RawHandshake answer = RawHandshake.send(OperationsTestApplication.port(context), "/wt",
					"Origin: https://elsewhere.example", PROTOCOL);

			assertThat(answer.statusCode()).isEqualTo(403);
			assertThat(answer.body()).contains("Origin https://elsewhere.example is not allowed");
			assertThat(refused(context, "origin")).isEqualTo(1);
			assertThat(refused(context, "limit")).isZero();
		}
	}

	@Test
	void allowedOriginFromTheSharedPolicyIsAccepted() throws Exception {
		try (ConfigurableApplicationContext context = OperationsTestApplication
			.start("fallback.security.allowed-origins=https://*.example.org")) {
			RawHandshake answer = RawHandshake.send(OperationsTestApplication.port(context), "/wt",
					"Origin: https://app.example.org", PROTOCOL);

			assertThat(answer.statusCode()).isEqualTo(101);
		}
	}

	@Test
	void unacceptableSubprotocolIsCounted() throws Exception {
		try (ConfigurableApplicationContext context = OperationsTestApplication.start()) {
			RawHandshake answer = RawHandshake.send(OperationsTestApplication.port(context), "/wt",
					"Sec-WebSocket-Protocol: chat");

			assertThat(answer.statusCode()).isEqualTo(400);
			assertThat(refused(context, "subprotocol")).isEqualTo(1);
		}
	}

	@Test
	void sessionsOverThePerAddressLimitAreRefusedWith429UntilOneEnds() throws Exception {
		try (ConfigurableApplicationContext context = OperationsTestApplication
			.start("fallback.limits.max-sessions=3", "fallback.limits.max-sessions-per-address=2");
				QmuxClient client = QmuxClient.builder().build()) {
			int port = OperationsTestApplication.port(context);
			List<WtConnection> open = connect(client, port, 2);

			RawHandshake third = RawHandshake.send(port, "/wt", PROTOCOL);

			assertThat(third.statusCode()).isEqualTo(429);
			assertThat(third.headers()).containsEntry("retry-after", "1");
			assertThat(third.body()).contains("fallback.limits.max-sessions-per-address");
			assertThat(refused(context, "limit")).isEqualTo(1);
			assertThat(counter(context, "fallback.sessions.closed", "outcome", "refused")).isEqualTo(1);
			open.get(0).close();
			SessionLimiter limiter = context.getBean(SessionLimiter.class);
			await().atMost(Duration.ofSeconds(5)).until(() -> limiter.activeSessions() == 1);
			assertThat(client.connect(uri(port)).isOpen()).isTrue();
		}
	}

	@Test
	void sessionsOverTheTotalLimitAreRefusedWith503() throws Exception {
		try (ConfigurableApplicationContext context = OperationsTestApplication
			.start("fallback.limits.max-sessions=2", "fallback.limits.max-sessions-per-address=2");
				QmuxClient client = QmuxClient.builder().build()) {
			int port = OperationsTestApplication.port(context);
			connect(client, port, 2);

			RawHandshake third = RawHandshake.send(port, "/wt", PROTOCOL);

			assertThat(third.statusCode()).isEqualTo(503);
			assertThat(third.body()).contains("fallback.limits.max-sessions)");
			assertThat(refused(context, "limit")).isEqualTo(1);
		}
	}

	@Test
	void sseSessionsShareTheLimitsAndTheOriginPolicyAndAreCounted() throws Exception {
		try (ConfigurableApplicationContext context = OperationsTestApplication
			.start("fallback.limits.max-sessions=1", "fallback.limits.max-sessions-per-address=1");
				QmuxClient client = QmuxClient.builder().build()) {
			int port = OperationsTestApplication.port(context);
			client.connect(uri(port));
			HttpClient http = HttpClient.newHttpClient();
			URI open = URI.create("http://127.0.0.1:" + port + "/wt-sse?protocols=qmux-02");

			HttpResponse<String> limited = http.send(HttpRequest.newBuilder(open).build(), BodyHandlers.ofString());
			HttpResponse<String> foreign = http.send(
					HttpRequest.newBuilder(open).header("Origin", "https://elsewhere.example").build(),
					BodyHandlers.ofString());

			assertThat(limited.statusCode()).isEqualTo(503);
			assertThat(foreign.statusCode()).isEqualTo(403);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("fallback.handshakes.refused")
				.tags("transport", "sse", "reason", "limit")
				.functionCounter()
				.count()).isEqualTo(1);
			assertThat(meters.get("fallback.handshakes.refused")
				.tags("transport", "sse", "reason", "origin")
				.functionCounter()
				.count()).isEqualTo(1);
		}
	}

	@Test
	void authenticatorRefusalIsAnswered401AndCounted() throws Exception {
		try (ConfigurableApplicationContext context = OperationsTestApplication
			.start(AuthenticatingApplication.class)) {
			RawHandshake answer = RawHandshake.send(OperationsTestApplication.port(context), "/wt?access_token=wrong",
					PROTOCOL);

			assertThat(answer.statusCode()).isEqualTo(401);
			assertThat(refused(context, "authentication")).isEqualTo(1);
			assertThat(context.getBean(SessionLimiter.class).activeSessions()).isZero();
		}
	}

	@Test
	void tokenInTheQueryBecomesThePrincipalOfTheConnection() throws Exception {
		try (ConfigurableApplicationContext context = OperationsTestApplication
			.start(AuthenticatingApplication.class);
				QmuxClient client = QmuxClient.builder().build()) {
			int port = OperationsTestApplication.port(context);

			client.connect(URI.create("ws://127.0.0.1:" + port + "/wt?access_token=s3cret"));

			WtConnection served = context.getBean(OperationsTestApplication.Connections.class).next();
			assertThat(served.principal()).isNotNull();
			assertThat(served.principal().getName()).isEqualTo("alice");
		}
	}

	@Test
	void tokenInTheAuthorizationHeaderIsAccepted() throws Exception {
		try (ConfigurableApplicationContext context = OperationsTestApplication
			.start(AuthenticatingApplication.class);
				QmuxClient client = QmuxClient.builder().header("Authorization", "Bearer s3cret").build()) {
			WtConnection connection = client.connect(uri(OperationsTestApplication.port(context)));

			assertThat(connection.isOpen()).isTrue();
			assertThat(context.getBean(OperationsTestApplication.Connections.class).next().principal().getName())
				.isEqualTo("alice");
		}
	}

	private static List<WtConnection> connect(QmuxClient client, int port, int count) throws Exception {
		List<WtConnection> connections = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			connections.add(client.connect(uri(port)));
		}
		return connections;
	}

	private static URI uri(int port) {
		return URI.create("ws://127.0.0.1:" + port + "/wt");
	}

	private static double refused(ConfigurableApplicationContext context, String reason) {
		return counter(context, "fallback.handshakes.refused", "reason", reason);
	}

	private static double counter(ConfigurableApplicationContext context, String name, String key, String value) {
		return context.getBean(MeterRegistry.class)
			.get(name)
			.tags("transport", "websocket", key, value)
			.functionCounter()
			.count();
	}

	@Configuration(proxyBeanMethods = false)
	@Import(OperationsTestApplication.class)
	static class AuthenticatingApplication {

		@Bean
		HandshakeAuthenticator handshakeAuthenticator() {
			return (request) -> {
				String token = HandshakeAuthenticator.bearerToken(request, "access_token");
				Principal alice = () -> "alice";
				return "s3cret".equals(token) ? alice : null;
			};
		}

	}

}
