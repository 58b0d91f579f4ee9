package dev.wtfallback.autoconfigure.websocket;

import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.util.concurrent.ExecutionException;

import dev.wtfallback.core.OnConnect;
import dev.wtfallback.testsupport.RawHandshake;
import dev.wtfallback.testsupport.WebSocketTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Handshakes against the auto-configured endpoint on a real Tomcat: which subprotocol the
 * server picks, when it refuses, and how it treats origins. Assertions stop at the handshake;
 * what the session does afterwards is left to the session engine's tests.
 */
@SpringBootTest(classes = WebSocketFallbackHandshakeIntegrationTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "server.address=127.0.0.1",
				"fallback.websocket.path=/wt", "fallback.websocket.protocols=echo,chat" })
class WebSocketFallbackHandshakeIntegrationTests {

	@LocalServerPort
	private int port;

	@Test
	void upgradeWithoutAcceptableSubprotocolIsRefusedWithBadRequest() throws Exception {
		RawHandshake answer = RawHandshake.send(this.port, "/wt", "Sec-WebSocket-Protocol: chat, qmux-00.echo");

		assertThat(answer.statusCode()).isEqualTo(400);
		assertThat(answer.headers()).containsEntry("content-type", "text/plain;charset=UTF-8")
			.doesNotContainKey("sec-websocket-protocol");
		assertThat(answer.body()).contains("No acceptable WebSocket subprotocol offered in [chat, qmux-00.echo]")
			.contains("qmux-02.echo, qmux-01.echo, qmux-02.chat, qmux-01.chat, qmux-02, qmux-01");
	}

	@Test
	void upgradeWithoutSubprotocolHeaderIsRefusedWithBadRequest() throws Exception {
		RawHandshake answer = RawHandshake.send(this.port, "/wt");

		assertThat(answer.statusCode()).isEqualTo(400);
		assertThat(answer.body()).startsWith("No acceptable WebSocket subprotocol offered.");
	}

	@Test
	void jdkClientSeesTheRefusal() {
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> WebSocketTestClient.connect(uri("/wt"), "webtransport", "qmux-00"))
			.havingCause()
			.isInstanceOfSatisfying(WebSocketHandshakeException.class,
					(ex) -> assertThat(ex.getResponse().statusCode()).isEqualTo(400));
	}

	@Test
	void serverPreferenceWinsOverClientOrder() throws Exception {
		try (WebSocketTestClient client = WebSocketTestClient.connect(uri("/wt"), "qmux-01.echo", "qmux-02.echo")) {
			assertThat(client.webSocket().getSubprotocol()).isEqualTo("qmux-02.echo");
		}
	}

	@Test
	void applicationProtocolOrderComesBeforeWireVersion() throws Exception {
		try (WebSocketTestClient client = WebSocketTestClient.connect(uri("/wt"), "qmux-02", "qmux-02.chat",
				"qmux-01.echo")) {
			assertThat(client.webSocket().getSubprotocol()).isEqualTo("qmux-01.echo");
		}
	}

	@Test
	void bareVersionIsAcceptedWhenNoProtocolIsRequired() throws Exception {
		try (WebSocketTestClient client = WebSocketTestClient.connect(uri("/wt"), "qmux-01", "qmux-02")) {
			assertThat(client.webSocket().getSubprotocol()).isEqualTo("qmux-02");
		}
	}

	@Test
	void acceptedSubprotocolIsTheOnlyOneOnTheWire() throws Exception {
		RawHandshake answer = RawHandshake.send(this.port, "/wt", "Sec-WebSocket-Protocol: qmux-01.chat, qmux-02.chat",
				"Sec-WebSocket-Protocol: qmux-02");

		assertThat(answer.statusCode()).isEqualTo(101);
		assertThat(answer.headers()).containsEntry("sec-websocket-protocol", "qmux-02.chat");
	}

	@Test
	void foreignOriginIsRefusedByDefault() throws Exception {
		RawHandshake answer = RawHandshake.send(this.port, "/wt", "Origin: http://elsewhere.example",
				"Sec-WebSocket-Protocol: qmux-02.echo");

		assertThat(answer.statusCode()).isEqualTo(403);
	}

	@Test
	void sameOriginIsAcceptedByDefault() throws Exception {
		RawHandshake answer = RawHandshake.send(this.port, "/wt", "Origin: http://localhost:" + this.port,
				"Sec-WebSocket-Protocol: qmux-02.echo");

		assertThat(answer.statusCode()).isEqualTo(101);
	}

	@Test
	void foreignOriginIsRefusedBeforeTheSubprotocolIsLookedAt() throws Exception {
		RawHandshake answer = RawHandshake.send(this.port, "/wt", "Origin: http://elsewhere.example");

		assertThat(answer.statusCode()).isEqualTo(403);
	}

	@Test
	void bareVersionIsRefusedWhenProtocolIsRequired() throws Exception {
		try (ConfigurableApplicationContext context = start("fallback.websocket.protocols=echo",
				"fallback.websocket.require-protocol=true")) {
			int port = port(context);

			assertThat(RawHandshake.send(port, "/wt", "Sec-WebSocket-Protocol: qmux-02").statusCode()).isEqualTo(400);
			assertThat(RawHandshake.send(port, "/wt", "Sec-WebSocket-Protocol: qmux-02, qmux-01.echo").headers())
				.containsEntry("sec-websocket-protocol", "qmux-01.echo");
		}
	}

	@Test
	void configuredOriginsAndPatternsAreAllowed() throws Exception {
		try (ConfigurableApplicationContext context = start("fallback.websocket.path=/sessions",
				"fallback.security.allowed-origins=https://app.example,https://*.example.org")) {
			int port = port(context);

			assertThat(originStatus(port, "https://app.example")).isEqualTo(101);
			assertThat(originStatus(port, "https://tools.example.org")).isEqualTo(101);
			assertThat(originStatus(port, "https://other.example")).isEqualTo(403);
		}
	}

	private static int originStatus(int port, String origin) throws Exception {
		return RawHandshake.send(port, "/sessions", "Origin: " + origin, "Sec-WebSocket-Protocol: qmux-02")
			.statusCode();
	}

	private URI uri(String path) {
		return URI.create("ws://127.0.0.1:" + this.port + path);
	}

	private static ConfigurableApplicationContext start(String... properties) {
		return new SpringApplicationBuilder(TestApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off")
			.properties(properties)
			.run();
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		OnConnect onConnect() {
			return (connection) -> {
			};
		}

	}

}
