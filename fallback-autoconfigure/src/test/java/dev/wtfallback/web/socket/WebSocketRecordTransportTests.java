package dev.wtfallback.web.socket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * Tests for {@link WebSocketRecordTransport}.
 */
class WebSocketRecordTransportTests {

	private final WebSocketSession session = mock(WebSocketSession.class);

	private final WebSocketRecordTransport transport = new WebSocketRecordTransport("ws-1", this.session);

	@Test
	void recordIsSentAsOneBinaryMessage() throws Exception {
		ByteBuffer record = ByteBuffer.wrap(new byte[] { 0x3f, 0x51 });

		this.transport.send(record);

		verify(this.session).sendMessage(new BinaryMessage(ByteBuffer.wrap(new byte[] { 0x3f, 0x51 })));
	}

	@Test
	void sendOnClosedSessionFailsWithIoException() throws Exception {
		willThrow(new IllegalStateException("closed")).given(this.session).sendMessage(any());

		assertThatIOException().isThrownBy(() -> this.transport.send(ByteBuffer.allocate(1)))
			.withMessage("ws-1: WebSocket session is closed");
	}

	@Test
	void closeOnClosedSessionDoesNothing() throws Exception {
		this.transport.close(1000, "done");

		verify(this.session, never()).close(any());
	}

	@Test
	void closeFailureIsNotPassedOn() throws Exception {
		given(this.session.isOpen()).willReturn(true);
		willThrow(new IOException("Broken pipe")).given(this.session).close(any());

		this.transport.close(1000, "done");

		verify(this.session).close(new CloseStatus(1000, "done"));
	}

	@Test
	void codeTheContainerCannotSendBecomesServerError() {
		assertThat(WebSocketRecordTransport.closeStatus(1006, "x").getCode()).isEqualTo(1011);
		assertThat(WebSocketRecordTransport.closeStatus(999, "x").getCode()).isEqualTo(1011);
		assertThat(WebSocketRecordTransport.closeStatus(4999, "x").getCode()).isEqualTo(4999);
	}

	@Test
	void reasonIsCutToFitTheCloseFrameWithoutSplittingCharacters() {
		String reason = WebSocketRecordTransport.closeStatus(1000, "é".repeat(100)).getReason();

		assertThat(reason).isEqualTo("é".repeat(61));
		assertThat(reason.getBytes(StandardCharsets.UTF_8)).hasSize(122);
	}

}
