package dev.wtfallback.core.qmux;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The message transport under a {@link QmuxSession}: it carries whole QMux records, one per
 * message, and tells the session what arrives through {@link QmuxSession#onRecord(ByteBuffer)}
 * and {@link QmuxSession#onTransportClosed(int, String)}.
 *
 * <p>The session calls {@link #send(ByteBuffer)} from one thread at a time, never from a
 * thread that delivers inbound records, so an implementation may block until the message is
 * written.
 */
public interface RecordTransport {

	/**
	 * Send one record as one binary message, blocking until it is handed to the network.
	 * @param record the record; the transport may keep no reference after returning
	 * @throws IOException if the transport failed or is closed
	 */
	void send(ByteBuffer record) throws IOException;

	/**
	 * Close the transport. Idempotent; may be called from any thread.
	 * @param statusCode a WebSocket close status code
	 * @param reason a short reason
	 */
	void close(int statusCode, String reason);

}
