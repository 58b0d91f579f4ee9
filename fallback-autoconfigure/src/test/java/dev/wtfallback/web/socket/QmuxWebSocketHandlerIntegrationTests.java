package dev.wtfallback.web.socket;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import dev.wtfallback.core.OnConnect;
import dev.wtfallback.core.Transport;
import dev.wtfallback.core.qmux.QmuxRuntime;
import dev.wtfallback.core.qmux.QmuxSettings;
import dev.wtfallback.core.qmux.WireVersion;
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
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests of the WebSocket plumbing under a QMux session on a real Tomcat, with a recording
 * stand-in for the session engine: records in, records out, fragments, limits and closes.
 */
@SpringBootTest(classes = QmuxWebSocketHandlerIntegrationTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "fallback.websocket.protocols=echo",
				"logging.level.dev.wtfallback=debug" })
class QmuxWebSocketHandlerIntegrationTests {

	private static final int MAX_RECORD_SIZE = (int) QmuxSettings.MIN_RECORD_SIZE;

	@LocalServerPort
	private int port;

	@Autowired
	private RecordingSessionStarter starter;

	@BeforeEach
	void forgetEarlierSessions() {
		this.starter.reset();
	}

	@Test
	void sessionContextCarriesWhatTheHandshakeEstablished() throws Exception {
		try (WebSocketTestClient client = connect("/wt", "qmux-01.echo")) {
			RecordingSessionStarter.Started session = this.starter.next();

			assertThat(session.context.id()).startsWith("ws-");
			assertThat(session.context.transport()).isEqualTo(Transport.WEBSOCKET);
			assertThat(session.context.remoteAddress().getAddress()).isEqualTo(InetAddress.getLoopbackAddress());
			assertThat(session.context.principal()).isNull();
			assertThat(session.protocol.version()).isEqualTo(WireVersion.QMUX_01);
			assertThat(session.protocol.applicationProtocol()).isEqualTo("echo");
		}
	}

	@Test
	void recordLargerThanTheContainerDefaultArrivesWhole() throws Exception {
		try (WebSocketTestClient client = connect("/wt", "qmux-02")) {
			RecordingSessionStarter.Started session = this.starter.next();
			byte[] record = pattern(MAX_RECORD_SIZE);

			send(client, record, true);

			assertThat(session.nextRecord()).isEqualTo(record);
			assertThat(client.describeClose()).isEqualTo("still open");
		}
	}

	@Test
	void fragmentsAreJoinedIntoOneRecord() throws Exception {
		try (WebSocketTestClient client = connect("/wt", "qmux-02")) {
			RecordingSessionStarter.Started session = this.starter.next();
			byte[] record = pattern(12000);

			send(client, Arrays.copyOfRange(record, 0, 5000), false);
			send(client, Arrays.copyOfRange(record, 5000, 5000), false);
			send(client, Arrays.copyOfRange(record, 5000, 12000), true);

			assertThat(session.nextRecord()).isEqualTo(record);
			assertThat(session.pendingRecords()).isZero();
		}
	}

	@Test
	void oversizedFragmentedRecordReachesTheEngineOneBytePastTheLimit() throws Exception {
		try (WebSocketTestClient client = connect("/wt", "qmux-02")) {
			RecordingSessionStarter.Started session = this.starter.next();
			byte[] oversized = pattern(MAX_RECORD_SIZE + 5000);

			send(client, Arrays.copyOfRange(oversized, 0, 10000), false);
			send(client, Arrays.copyOfRange(oversized, 10000, oversized.length), true);
			send(client, pattern(10), true);

			assertThat(session.nextRecord()).isEqualTo(Arrays.copyOf(oversized, MAX_RECORD_SIZE + 1));
			assertThat(session.nextRecord()).isEqualTo(pattern(10));
		}
	}

	@Test
	void textMessageIsReportedToTheEngine() throws Exception {
		try (WebSocketTestClient client = connect("/wt", "qmux-02")) {
			RecordingSessionStarter.Started session = this.starter.next();

			client.webSocket().sendText("hello", true).get(5, TimeUnit.SECONDS);

			await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> assertThat(session.textMessages).hasValue(1));
		}
	}

	@Test
	void recordsSentByTheEngineArriveAsBinaryMessages() throws Exception {
		try (WebSocketTestClient client = connect("/wt", "qmux-02")) {
			RecordingSessionStarter.Started session = this.starter.next();
			byte[] first = pattern(MAX_RECORD_SIZE);

			session.transport.send(ByteBuffer.wrap(first));
			session.transport.send(ByteBuffer.wrap(pattern(3)));

			assertThat(client.nextBinaryMessage()).isEqualTo(first);
			assertThat(client.nextBinaryMessage()).isEqualTo(pattern(3));
		}
	}

	@Test
	void clientCloseIsReportedToTheEngine() throws Exception {
		try (WebSocketTestClient client = connect("/wt", "qmux-02")) {
			RecordingSessionStarter.Started session = this.starter.next();

			client.webSocket().sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);

			assertThat(session.closed.get(5, TimeUnit.SECONDS)).isEqualTo("1000 bye");
		}
	}

	@Test
	void engineCloseClosesTheWebSocket() throws Exception {
		try (WebSocketTestClient client = connect("/wt", "qmux-02")) {
			RecordingSessionStarter.Started session = this.starter.next();

			session.transport.close(4000, "done " + "x".repeat(200));

			assertThat(client.awaitClose()).isEqualTo("4000 done " + "x".repeat(118));
			assertThat(session.closed.get(5, TimeUnit.SECONDS)).startsWith("4000 done");
		}
	}

	@Test
	void wrappedSessionWithoutPartialMessagesTakesRecordsUpToTheLimit() throws Exception {
		try (WebSocketTestClient client = connect("/own", "qmux-02")) {
			RecordingSessionStarter.Started session = this.starter.next();
			byte[] record = pattern(MAX_RECORD_SIZE);

			send(client, record, true);

			assertThat(session.nextRecord()).isEqualTo(record);
		}
	}

	@Test
	void wrappedSessionWithoutPartialMessagesIsClosedByTheContainerPastTheLimit() throws Exception {
		try (WebSocketTestClient client = connect("/own", "qmux-02")) {
			RecordingSessionStarter.Started session = this.starter.next();

			send(client, pattern(MAX_RECORD_SIZE + 1), true);

			assertThat(client.awaitClose()).startsWith("1009 ");
			assertThat(session.pendingRecords()).isZero();
		}
	}

	private WebSocketTestClient connect(String path, String... protocols) throws Exception {
		return WebSocketTestClient.connect(URI.create("ws://127.0.0.1:" + this.port + path), protocols);
	}

	private static void send(WebSocketTestClient client, byte[] bytes, boolean last) throws Exception {
		client.webSocket().sendBinary(ByteBuffer.wrap(bytes), last).get(5, TimeUnit.SECONDS);
	}

	private static byte[] pattern(int length) {
		byte[] bytes = new byte[length];
		for (int i = 0; i < length; i++) {
			bytes[i] = (byte) (i * 31 + 7);
		}
		return bytes;
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

		@Bean
		WebSocketConfigurer ownHandlerConfigurer(QmuxSettings settings, QmuxRuntime runtime, OnConnect onConnect,
				RecordingSessionStarter starter, QmuxHandshakeHandler handshakeHandler) {
			WebSocketHandler own = new WholeMessageHandler(settings, runtime, onConnect, starter);
			return (registry) -> registry.addHandler(own, "/own").setHandshakeHandler(handshakeHandler);
		}

	}

	/**
	 * A handler of an application's own that takes whole messages only and wraps each session.
	 */
	static final class WholeMessageHandler implements WebSocketHandler {

		private final QmuxSettings settings;

		private final QmuxRuntime runtime;

		private final OnConnect onConnect;

		private final SessionStarter starter;

		WholeMessageHandler(QmuxSettings settings, QmuxRuntime runtime, OnConnect onConnect, SessionStarter starter) {
			this.settings = settings;
			this.runtime = runtime;
			this.onConnect = onConnect;
			this.starter = starter;
		}

		@Override
		public void afterConnectionEstablished(WebSocketSession session) {
			QmuxWebSocketAdapter.wrap(session, this.settings, this.runtime, this.onConnect, this.starter);
		}

		@Override
		public void handleMessage(WebSocketSession session, WebSocketMessage<?> message) {
			QmuxWebSocketAdapter.of(session).handleMessage(message);
		}

		@Override
		public void handleTransportError(WebSocketSession session, Throwable exception) {
			QmuxWebSocketAdapter.of(session).handleTransportError(exception);
		}

		@Override
		public void afterConnectionClosed(WebSocketSession session, CloseStatus closeStatus) {
			QmuxWebSocketAdapter.of(session).handleClose(closeStatus);
		}

		@Override
		public boolean supportsPartialMessages() {
			return false;
		}

	}

}
