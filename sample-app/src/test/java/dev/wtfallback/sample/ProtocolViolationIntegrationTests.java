package dev.wtfallback.sample;

import java.nio.ByteBuffer;
import java.time.Duration;

import dev.wtfallback.core.qmux.Frame;
import dev.wtfallback.core.qmux.QmuxErrorCode;
import dev.wtfallback.core.qmux.QmuxSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End-to-end tests of peers that break the protocol over the real wire: each one gets
 * CONNECTION_CLOSE with the matching QUIC error code and loses its WebSocket, while the server
 * keeps serving others.
 */
@SpringBootTest(classes = SampleApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "server.address=127.0.0.1")
@Timeout(30)
class ProtocolViolationIntegrationTests {

	/** STREAM payload per record, below the 16382-byte record size with room for the header. */
	private static final int CHUNK = 16000;

	/** The server's default receive window of a client-opened bidirectional stream. */
	private static final int STREAM_WINDOW = 256 * 1024;

	@LocalServerPort
	private int port;

	private RawQmuxPeer peer;

	@BeforeEach
	void connect() throws Exception {
		this.peer = RawQmuxPeer.connect(this.port);
	}

	@AfterEach
	void disconnect() {
		this.peer.close();
	}

	@Test
	void sendingPastTheStreamWindowIsAFlowControlError() throws Exception {
		// Zero windows keep the echo handler from writing, so it reads at most one chunk and the
		// server grants no credit beyond its initial stream window.
		this.peer.sendTransportParameters(QmuxSettings.builder().initialMaxStreamData(0).build());

		for (long offset = 0; offset <= STREAM_WINDOW; offset += CHUNK) {
			this.peer.send(new Frame.StreamFrame(0, offset, ByteBuffer.allocate(CHUNK), false));
		}

		assertConnectionClose(QmuxErrorCode.FLOW_CONTROL_ERROR);
		assertThat(Echoes.echoOnNewConnection(this.port, new byte[] { 3 })).containsExactly(3);
	}

	@Test
	void textMessageIsAProtocolViolation() throws Exception {
		this.peer.sendTransportParameters(QmuxSettings.defaults());

		this.peer.sendText("records travel in binary messages");

		assertConnectionClose(QmuxErrorCode.PROTOCOL_VIOLATION);
	}

	@Test
	void frameBeforeTransportParametersIsAProtocolViolation() throws Exception {
		this.peer.send(new Frame.PingFrame(false, 0));

		assertConnectionClose(QmuxErrorCode.PROTOCOL_VIOLATION);
	}

	@Test
	void unknownFrameTypeIsAFrameEncodingError() throws Exception {
		this.peer.sendTransportParameters(QmuxSettings.defaults());

		this.peer.sendRecord(ByteBuffer.wrap(new byte[] { 0x21, 0x00 }));

		assertConnectionClose(QmuxErrorCode.FRAME_ENCODING_ERROR);
	}

	@Test
	void recordLargerThanMaxRecordSizeIsAProtocolViolation() throws Exception {
		this.peer.sendTransportParameters(QmuxSettings.defaults());

		this.peer.sendRecord(ByteBuffer.allocate((int) QmuxSettings.MIN_RECORD_SIZE + 1));

		assertConnectionClose(QmuxErrorCode.PROTOCOL_VIOLATION);
	}

	@Test
	void streamFrameOnAServerUnidirectionalStreamIsAStreamStateError() throws Exception {
		this.peer.sendTransportParameters(QmuxSettings.defaults());

		this.peer.send(new Frame.StreamFrame(3, 0, ByteBuffer.wrap(new byte[] { 1 }), false));

		assertConnectionClose(QmuxErrorCode.STREAM_STATE_ERROR);
	}

	private void assertConnectionClose(QmuxErrorCode expected) throws Exception {
		Frame.CloseFrame close = this.peer.awaitFrame(Frame.CloseFrame.class);
		int status = this.peer.awaitClose(Duration.ofSeconds(5));
		assertThat(close.application()).as("CONNECTION_CLOSE rather than APPLICATION_CLOSE: %s", close).isFalse();
		assertThat(QmuxErrorCode.nameOf(close.errorCode())).as("error code of %s", close).isEqualTo(expected.name());
		assertThat(status).as("WebSocket close status; %s", this.peer.describe()).isEqualTo(1002);
	}

}
