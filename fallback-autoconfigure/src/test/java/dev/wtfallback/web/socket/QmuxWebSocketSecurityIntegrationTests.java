package dev.wtfallback.web.socket;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import dev.wtfallback.core.OnConnect;
import dev.wtfallback.core.qmux.QmuxRuntime;
import dev.wtfallback.core.qmux.QmuxSettings;
import dev.wtfallback.testsupport.RawHandshake;
import dev.wtfallback.testsupport.WebSocketTestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that the user Spring Security authenticated on the handshake reaches the QMux
 * session, on a real Tomcat with Boot's default security and HTTP Basic.
 */
@SpringBootTest(classes = QmuxWebSocketSecurityIntegrationTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "spring.autoconfigure.exclude=",
				"spring.security.user.name=alice", "spring.security.user.password=secret" })
class QmuxWebSocketSecurityIntegrationTests {

	@LocalServerPort
	private int port;

	@Autowired
	private RecordingSessionStarter starter;

	@BeforeEach
	void forgetEarlierSessions() {
		this.starter.reset();
	}

	@Test
	void authenticatedUserBecomesTheSessionPrincipal() throws Exception {
		String credentials = Base64.getEncoder().encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8));
		URI uri = URI.create("ws://127.0.0.1:" + this.port + "/wt");

		try (WebSocketTestClient client = WebSocketTestClient.connect(uri,
				Map.of("Authorization", "Basic " + credentials), "qmux-02")) {
			RecordingSessionStarter.Started session = this.starter.next();

			assertThat(session.context.principal()).isNotNull();
			assertThat(session.context.principal().getName()).isEqualTo("alice");
		}
	}

	@Test
	void anonymousHandshakeIsRefusedBeforeTheUpgrade() throws Exception {
		RawHandshake answer = RawHandshake.send(this.port, "/wt", "Sec-WebSocket-Protocol: qmux-02");

		assertThat(answer.statusCode()).isEqualTo(401);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		OnConnect onConnect() {
			return (connection) -> {
			};
		}

		@Bean
		RecordingSessionStarter recordingSessionStarter() {
			return new RecordingSessionStarter();
		}

		@Bean
		QmuxWebSocketHandler qmuxWebSocketHandler(QmuxSettings settings, QmuxRuntime runtime, OnConnect onConnect,
				RecordingSessionStarter starter) {
			return new QmuxWebSocketHandler(settings, runtime, onConnect, null, starter);
		}

	}

}
