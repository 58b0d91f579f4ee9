package dev.wtfallback.web.socket;

import java.nio.ByteBuffer;

import dev.wtfallback.core.OnConnect;
import dev.wtfallback.core.Transport;
import dev.wtfallback.core.WtConnection;
import dev.wtfallback.core.qmux.QmuxRuntime;
import dev.wtfallback.core.qmux.QmuxSession;
import dev.wtfallback.core.qmux.RecordAssembler;
import dev.wtfallback.core.qmux.QmuxSettings;
import dev.wtfallback.core.qmux.SessionContext;
import dev.wtfallback.core.qmux.Subprotocols;
import dev.wtfallback.core.qmux.Subprotocols.NegotiatedProtocol;

import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * Serves a QMux session over one already open Spring {@link WebSocketSession}: the way to
 * run QMux from a {@link WebSocketHandler} of your own instead of {@link QmuxWebSocketHandler}.
 *
 * <p>Call {@link #wrap} from {@code afterConnectionEstablished}; it keeps the adapter in the
 * session's attributes, where {@link #of(WebSocketSession)} finds it to forward the handler's
 * other callbacks:
 * <pre class="code">
 * public void afterConnectionEstablished(WebSocketSession session) {
 *     QmuxWebSocketAdapter.wrap(session, this.settings, this.runtime, this.onConnect);
 * }
 *
 * public void handleMessage(WebSocketSession session, WebSocketMessage&lt;?&gt; message) {
 *     QmuxWebSocketAdapter.of(session).handleMessage(message);
 * }
 *
 * public void handleTransportError(WebSocketSession session, Throwable error) {
 *     QmuxWebSocketAdapter.of(session).handleTransportError(error);
 * }
 *
 * public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
 *     QmuxWebSocketAdapter.of(session).handleClose(status);
 * }
 * </pre>
 * The handshake must have negotiated a QMux subprotocol; {@link QmuxHandshakeHandler} does
 * that. The handler may support partial messages or not: fragments are joined into one record.
 * Without partial messages the container closes a message larger than the session's binary
 * message size limit with status 1009 before the engine sees it; {@link #wrap} raises that
 * limit to the configured {@code maxRecordSize}.
 *
 * <p>Threading: {@code handleMessage} must be called by one thread at a time, in the order
 * messages arrive, as Spring's WebSocket support does. The other methods may be called from
 * any thread. The adapter is reachable through {@link #of} before the engine starts, so a
 * close that happens while it starts, from the engine's own threads, is kept and handed over
 * once it runs; {@code lock} guards that hand-over.
 */
public final class QmuxWebSocketAdapter {

	/** Session attribute that holds the adapter of a wrapped session. */
	public static final String ATTRIBUTE = QmuxWebSocketAdapter.class.getName();

	private final String id;

	private final Object lock = new Object();

	/** The engine; set once it started, under {@code lock}. */
	private volatile QmuxSession session;

	/** A close that came before the engine started; guarded by {@code lock}. */
	private CloseStatus closedWhileStarting;

	/** Joins fragments of the current record; only touched by the thread delivering messages. */
	private final RecordAssembler assembler;

	private QmuxWebSocketAdapter(String id, int maxRecordSize) {
		this.id = id;
		this.assembler = new RecordAssembler(maxRecordSize);
	}

	/**
	 * Start the server side of a QMux session over an open WebSocket session. The handler runs
	 * on a thread of the runtime; this method returns at once. Call it from
	 * {@code afterConnectionEstablished}, before the container delivers messages.
	 * @param webSocketSession the open session, whose accepted subprotocol is a QMux token
	 * @param settings the limits to advertise and enforce
	 * @param runtime the shared threads
	 * @param onConnect the application handler
	 * @return the adapter, also kept under {@link #ATTRIBUTE} in the session's attributes
	 * @throws IllegalArgumentException if the session negotiated no QMux subprotocol; the
	 * WebSocket session is closed with status 1002 first
	 * @throws RuntimeException if the engine failed to start; the WebSocket session is closed
	 * with status 1011 first
	 */
	public static QmuxWebSocketAdapter wrap(WebSocketSession webSocketSession, QmuxSettings settings,
			QmuxRuntime runtime, OnConnect onConnect) {
		return wrap(webSocketSession, settings, runtime, onConnect, SessionStarter.ENGINE);
	}

	static QmuxWebSocketAdapter wrap(WebSocketSession webSocketSession, QmuxSettings settings, QmuxRuntime runtime,
			OnConnect onConnect, SessionStarter starter) {
		String id = WebSocketLogging.sessionId(webSocketSession);
		NegotiatedProtocol protocol = negotiatedProtocol(id, webSocketSession);
		int maxRecordSize = (int) settings.maxRecordSize();
		if (webSocketSession.getBinaryMessageSizeLimit() < maxRecordSize) {
			webSocketSession.setBinaryMessageSizeLimit(maxRecordSize);
		}
		SessionContext context = new SessionContext(id, Transport.WEBSOCKET, webSocketSession.getRemoteAddress(),
				webSocketSession.getPrincipal(), webSocketSession.getAttributes());
		WebSocketRecordTransport transport = new WebSocketRecordTransport(id, webSocketSession);
		QmuxWebSocketAdapter adapter = new QmuxWebSocketAdapter(id, maxRecordSize);
		webSocketSession.getAttributes().put(ATTRIBUTE, adapter);
		try {
			adapter.started(starter.start(context, protocol, settings, transport, runtime, onConnect));
			return adapter;
		}
		catch (RuntimeException ex) {
			webSocketSession.getAttributes().remove(ATTRIBUTE);
			transport.close(CloseStatus.SERVER_ERROR.getCode(), "Session could not start");
			throw ex;
		}
	}

	/**
	 * Return the adapter {@link #wrap} put into a session's attributes.
	 * @param webSocketSession the session
	 * @return the adapter, or {@code null} when the session was not wrapped or its engine
	 * failed to start
	 */
	public static QmuxWebSocketAdapter of(WebSocketSession webSocketSession) {
		return (QmuxWebSocketAdapter) webSocketSession.getAttributes().get(ATTRIBUTE);
	}

	private static NegotiatedProtocol negotiatedProtocol(String id, WebSocketSession webSocketSession) {
		String token = webSocketSession.getAcceptedProtocol();
		NegotiatedProtocol protocol = Subprotocols.parse(token).orElse(null);
		if (protocol == null) {
			new WebSocketRecordTransport(id, webSocketSession)
				.close(CloseStatus.PROTOCOL_ERROR.getCode(), "No QMux subprotocol negotiated");
			throw new IllegalArgumentException(id + ": the handshake negotiated subprotocol '" + token
					+ "', not a QMux token such as 'qmux-02' or 'qmux-02.<protocol>'");
		}
		return protocol;
	}

	private void started(QmuxSession session) {
		CloseStatus early;
		synchronized (this.lock) {
			this.session = session;
			early = this.closedWhileStarting;
		}
		if (early != null) {
			deliverClose(session, early);
		}
	}

	/**
	 * Return the id of the session, as it appears in logs.
	 * @return the session id
	 */
	public String id() {
		return this.id;
	}

	/**
	 * Return the QMux connection, the same object the application handler receives.
	 * @return the connection
	 */
	public WtConnection connection() {
		return this.session;
	}

	/**
	 * Forward a message the WebSocket session received. Binary messages are QMux records,
	 * joined from fragments when the handler supports partial messages; a text message is a
	 * protocol violation; pings and pongs are ignored.
	 * @param message the message
	 */
	public void handleMessage(WebSocketMessage<?> message) {
		if (message instanceof BinaryMessage binary) {
			handleBinary(binary.getPayload(), binary.isLast());
		}
		else if (message instanceof TextMessage) {
			this.session.onTextMessage();
		}
	}

	private void handleBinary(ByteBuffer payload, boolean last) {
		ByteBuffer record = this.assembler.append(payload, last);
		if (record != null) {
			this.session.onRecord(record);
		}
	}

	/**
	 * Forward a failure of the WebSocket transport.
	 * @param error the failure
	 */
	public void handleTransportError(Throwable error) {
		QmuxSession started = this.session;
		// Before the engine runs there is nothing to fail; the close that follows is kept.
		if (started != null) {
			started.onTransportError(error);
		}
	}

	/**
	 * Forward the end of the WebSocket session.
	 * @param status the close status the session ended with
	 */
	public void handleClose(CloseStatus status) {
		QmuxSession started;
		synchronized (this.lock) {
			started = this.session;
			if (started == null) {
				this.closedWhileStarting = status;
				return;
			}
		}
		deliverClose(started, status);
	}

	private static void deliverClose(QmuxSession session, CloseStatus status) {
		session.onTransportClosed(status.getCode(), (status.getReason() != null) ? status.getReason() : "");
	}

}
