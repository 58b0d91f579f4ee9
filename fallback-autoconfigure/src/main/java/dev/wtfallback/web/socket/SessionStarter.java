package dev.wtfallback.web.socket;

import dev.wtfallback.core.OnConnect;
import dev.wtfallback.core.qmux.QmuxRuntime;
import dev.wtfallback.core.qmux.QmuxSession;
import dev.wtfallback.core.qmux.QmuxSettings;
import dev.wtfallback.core.qmux.RecordTransport;
import dev.wtfallback.core.qmux.SessionContext;
import dev.wtfallback.core.qmux.Subprotocols.NegotiatedProtocol;

/**
 * Starts the server role of a QMux session; {@link QmuxSession#accept} in production, a
 * stand-in in tests of the WebSocket plumbing.
 */
@FunctionalInterface
interface SessionStarter {

	/** Starter that runs the real session engine. */
	SessionStarter ENGINE = QmuxSession::accept;

	/**
	 * Start a session; see {@link QmuxSession#accept}.
	 * @param context what the handshake established
	 * @param protocol the negotiated subprotocol
	 * @param settings the limits to advertise and enforce
	 * @param transport the transport to send records on
	 * @param runtime the shared threads
	 * @param handler the application handler
	 * @return the session
	 */
	QmuxSession start(SessionContext context, NegotiatedProtocol protocol, QmuxSettings settings,
			RecordTransport transport, QmuxRuntime runtime, OnConnect handler);

}
