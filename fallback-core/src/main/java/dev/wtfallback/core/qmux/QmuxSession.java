package dev.wtfallback.core.qmux;

import java.nio.ByteBuffer;

import dev.wtfallback.core.OnConnect;
import dev.wtfallback.core.WtConnection;
import dev.wtfallback.core.qmux.Subprotocols.NegotiatedProtocol;

/**
 * Session engine placeholder; the implementation follows.
 */
public abstract class QmuxSession implements WtConnection {

	/**
	 * Start the server role over an accepted transport: sends the transport parameters at once
	 * and runs the handler on a thread of the runtime.
	 * @param context what the handshake established
	 * @param protocol the negotiated subprotocol
	 * @param settings the limits to advertise and enforce
	 * @param transport the transport to send records on
	 * @param runtime the shared threads
	 * @param handler the application handler
	 * @return the session
	 */
	public static QmuxSession accept(SessionContext context, NegotiatedProtocol protocol, QmuxSettings settings,
			RecordTransport transport, QmuxRuntime runtime, OnConnect handler) {
		throw new UnsupportedOperationException();
	}

	/**
	 * Start the client role over a connected transport: sends the transport parameters at once.
	 * @param context what the handshake established
	 * @param protocol the negotiated subprotocol
	 * @param settings the limits to advertise and enforce
	 * @param transport the transport to send records on
	 * @param runtime the shared threads
	 * @return the session
	 */
	public static QmuxSession connect(SessionContext context, NegotiatedProtocol protocol, QmuxSettings settings,
			RecordTransport transport, QmuxRuntime runtime) {
		throw new UnsupportedOperationException();
	}

	/**
	 * Process one whole inbound record. Called by the transport, one record at a time, in order.
	 * @param record the record bytes
	 */
	public abstract void onRecord(ByteBuffer record);

	/**
	 * Report an inbound text message, which QMux forbids.
	 */
	public abstract void onTextMessage();

	/**
	 * Report that the transport closed.
	 * @param statusCode the WebSocket close status
	 * @param reason the close reason
	 */
	public abstract void onTransportClosed(int statusCode, String reason);

	/**
	 * Report that the transport failed.
	 * @param error the failure
	 */
	public abstract void onTransportError(Throwable error);

}
