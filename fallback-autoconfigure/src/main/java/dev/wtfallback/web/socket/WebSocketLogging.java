package dev.wtfallback.web.socket;

import dev.wtfallback.core.WtConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.web.socket.WebSocketSession;

/**
 * Loggers and log prefixes shared by the classes of this package.
 */
final class WebSocketLogging {

	/**
	 * Quiet category for clients that went away: closes and transport failures, logged at
	 * DEBUG without stack traces.
	 */
	static final Log DISCONNECTS = LogFactory.getLog(WtConnection.DISCONNECT_LOG_CATEGORY);

	private WebSocketLogging() {
	}

	/**
	 * Return the id a QMux session over the given WebSocket session carries in logs and in its
	 * {@link dev.wtfallback.core.qmux.SessionContext}.
	 * @param session the WebSocket session
	 * @return the session id, such as {@code ws-3}
	 */
	static String sessionId(WebSocketSession session) {
		return "ws-" + session.getId();
	}

}
