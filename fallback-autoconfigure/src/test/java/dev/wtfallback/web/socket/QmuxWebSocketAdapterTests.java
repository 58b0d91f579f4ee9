package dev.wtfallback.web.socket;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

import dev.wtfallback.core.qmux.QmuxRuntime;
import dev.wtfallback.core.qmux.QmuxSession;
import dev.wtfallback.core.qmux.QmuxSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.WebSocketSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * Tests for {@link QmuxWebSocketAdapter}.
 */
class QmuxWebSocketAdapterTests {

	private final QmuxSettings settings = QmuxSettings.defaults();

	private final Map<String, Object> attributes = new HashMap<>();

	private final WebSocketSession webSocketSession = mock(WebSocketSession.class);

	private final QmuxSession engine = mock(QmuxSession.class);

	private QmuxRuntime runtime;

	@BeforeEach
	void openWebSocketSession() {
		this.runtime = QmuxRuntime.create("test-");
		this.attributes.put("user", "alice");
		given(this.webSocketSession.getId()).willReturn("7");
		given(this.webSocketSession.getAttributes()).willReturn(this.attributes);
		given(this.webSocketSession.getAcceptedProtocol()).willReturn("qmux-02.chat");
		given(this.webSocketSession.getBinaryMessageSizeLimit()).willReturn(8192);
		given(this.webSocketSession.isOpen()).willReturn(true);
	}

	@AfterEach
	void closeRuntime() {
		this.runtime.close();
	}

	@Test
	void wrapRaisesTheBinaryMessageSizeLimitAndKeepsTheAdapterInTheSession() {
		QmuxWebSocketAdapter adapter = wrap((context, protocol, settings, transport, runtime, handler) -> {
			assertThat(context.id()).isEqualTo("ws-7");
			assertThat(context.attributes()).containsOnlyKeys("user");
			assertThat(protocol.token()).isEqualTo("qmux-02.chat");
			return this.engine;
		});

		verify(this.webSocketSession).setBinaryMessageSizeLimit(16382);
		assertThat(QmuxWebSocketAdapter.of(this.webSocketSession)).isSameAs(adapter);
		assertThat(adapter.connection()).isSameAs(this.engine);
	}

	@Test
	void closeWhileTheEngineStartsIsHandedOverOnceItRuns() {
		wrap((context, protocol, settings, transport, runtime, handler) -> {
			QmuxWebSocketAdapter.of(this.webSocketSession).handleClose(new CloseStatus(4001, "early"));
			verify(this.engine, never()).onTransportClosed(4001, "early");
			return this.engine;
		});

		verify(this.engine).onTransportClosed(4001, "early");
	}

	@Test
	void sessionWithoutQmuxSubprotocolIsClosedWithProtocolError() throws Exception {
		given(this.webSocketSession.getAcceptedProtocol()).willReturn("webtransport");

		assertThatIllegalArgumentException().isThrownBy(() -> wrap((context, protocol, settings, transport, runtime,
				handler) -> this.engine))
			.withMessageContaining("ws-7: the handshake negotiated subprotocol 'webtransport'");
		verify(this.webSocketSession).close(new CloseStatus(1002, "No QMux subprotocol negotiated"));
	}

	@Test
	void engineFailureClosesWithServerErrorAndForgetsTheAdapter() throws Exception {
		assertThatIllegalStateException().isThrownBy(() -> wrap((context, protocol, settings, transport, runtime,
				handler) -> {
			throw new IllegalStateException("no threads left");
		}));

		verify(this.webSocketSession).close(new CloseStatus(1011, "Session could not start"));
		assertThat(QmuxWebSocketAdapter.of(this.webSocketSession)).isNull();
	}

	@Test
	void wholeBinaryMessageIsPassedOnAsOneRecordAndPongIsIgnored() {
		QmuxWebSocketAdapter adapter = wrap((context, protocol, settings, transport, runtime, handler) -> this.engine);
		ByteBuffer record = ByteBuffer.wrap(new byte[] { 1, 2, 3 });

		adapter.handleMessage(new PongMessage());
		adapter.handleMessage(new BinaryMessage(record, true));

		verify(this.engine).onRecord(record);
		verify(this.engine, never()).onTextMessage();
	}

	@Test
	void closeWithoutReasonIsPassedOnWithEmptyReason() {
		QmuxWebSocketAdapter adapter = wrap((context, protocol, settings, transport, runtime, handler) -> this.engine);

		adapter.handleClose(CloseStatus.GOING_AWAY);

		verify(this.engine).onTransportClosed(1001, "");
		verify(this.engine, never()).onTransportError(any());
	}

	private QmuxWebSocketAdapter wrap(SessionStarter starter) {
		return QmuxWebSocketAdapter.wrap(this.webSocketSession, this.settings, this.runtime, (connection) -> {
		}, starter);
	}

}
