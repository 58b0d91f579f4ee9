package dev.wtfallback.web.socket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import dev.wtfallback.core.qmux.RecordTransport;

import org.springframework.core.log.LogMessage;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

/**
 * {@link RecordTransport} that sends each record as one binary message on a Spring
 * {@link WebSocketSession}.
 *
 * <p>Sends block until the container wrote the message. The QMux session calls
 * {@link #send(ByteBuffer)} from one thread at a time, which is what the container's blocking
 * send requires; {@link #close(int, String)} may come from any thread.
 */
final class WebSocketRecordTransport implements RecordTransport {

	/** Longest close reason a close frame carries, in UTF-8 bytes. */
	private static final int MAX_REASON_BYTES = 123;

	private final String id;

	private final WebSocketSession session;

	WebSocketRecordTransport(String id, WebSocketSession session) {
		this.id = id;
		this.session = session;
	}

	@Override
	public void send(ByteBuffer record) throws IOException {
		try {
			this.session.sendMessage(new BinaryMessage(record));
		}
		catch (IllegalStateException ex) {
			// The container refuses sends on a session that closed meanwhile.
			throw new IOException(this.id + ": WebSocket session is closed", ex);
		}
	}

	@Override
	public void close(int statusCode, String reason) {
		if (!this.session.isOpen()) {
			return;
		}
		CloseStatus status = closeStatus(statusCode, reason);
		try {
			this.session.close(status);
		}
		catch (IOException | IllegalStateException ex) {
			WebSocketLogging.DISCONNECTS
				.debug(LogMessage.format("[%s] Closing the WebSocket with %s failed: %s", this.id, status, ex));
		}
	}

	/**
	 * Build a close status the container accepts: a code it may send and a reason that fits a
	 * close frame.
	 */
	static CloseStatus closeStatus(int statusCode, String reason) {
		int code = (statusCode >= 1000 && statusCode < 5000 && statusCode != 1005 && statusCode != 1006)
				? statusCode : CloseStatus.SERVER_ERROR.getCode();
		return new CloseStatus(code, truncate(reason));
	}

	private static String truncate(String reason) {
		if (reason == null || reason.isEmpty()) {
			return null;
		}
		CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
			.onMalformedInput(CodingErrorAction.REPLACE)
			.onUnmappableCharacter(CodingErrorAction.REPLACE);
		ByteBuffer bytes = ByteBuffer.allocate(MAX_REASON_BYTES);
		CharBuffer chars = CharBuffer.wrap(reason);
		// Stops before the character that would not fit, so no code point is cut in half.
		encoder.encode(chars, bytes, true);
		return reason.substring(0, chars.position());
	}

}
