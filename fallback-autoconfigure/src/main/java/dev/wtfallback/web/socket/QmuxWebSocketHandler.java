package dev.wtfallback.web.socket;

import java.nio.charset.StandardCharsets;

import dev.wtfallback.core.OnConnect;
import dev.wtfallback.core.SkippedTransport;
import dev.wtfallback.core.Transport;
import dev.wtfallback.core.WtConnection;
import dev.wtfallback.core.qmux.QmuxRuntime;
import dev.wtfallback.core.qmux.QmuxSettings;
import dev.wtfallback.web.server.FallbackSessionRegistry;
import dev.wtfallback.web.server.FallbackSessionRegistry.Registration;
import dev.wtfallback.web.server.SessionDrainer;
import dev.wtfallback.web.server.SessionLimiter.Permit;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogMessage;
import org.springframework.util.Assert;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * {@link WebSocketHandler} that serves each WebSocket session as a QMux session and hands it
 * to an {@link OnConnect} handler.
 *
 * <p>Register it with {@link QmuxHandshakeHandler}, which negotiates the QMux subprotocol; a
 * session that arrives without one is closed with status 1002. The handler accepts partial
 * messages and joins fragments into records of at most {@code maxRecordSize} bytes.
 *
 * <p>With a {@link FallbackSessionRegistry}, each session is registered while its WebSocket is
 * open, so that shutdown can drain it; a session admitted once the registry stopped accepting
 * is closed at once. The session limit permit that {@link QmuxHandshakeHandler} took is
 * released when the session ends.
 *
 * <p>Clients that go away are logged at DEBUG under {@value #DISCONNECT_LOG_CATEGORY}, never as
 * errors. Threading: Spring calls each method for one session from one thread at a time;
 * different sessions run concurrently. Each session's {@link QmuxWebSocketAdapter} lives in
 * the session's attributes, so the handler itself holds no per-session state.
 */
public class QmuxWebSocketHandler implements WebSocketHandler {

	/**
	 * Log category for WebSocket closes and transport failures caused by clients going away;
	 * the category every transport and the session engine share.
	 */
	public static final String DISCONNECT_LOG_CATEGORY = WtConnection.DISCONNECT_LOG_CATEGORY;

	/** Session attribute that holds the session's registration in the registry. */
	private static final String REGISTRATION_ATTRIBUTE = QmuxWebSocketHandler.class.getName() + ".registration";

	private static final Log logger = LogFactory.getLog(QmuxWebSocketHandler.class);

	private final QmuxSettings settings;

	private final QmuxRuntime runtime;

	private final OnConnect onConnect;

	private final SessionStarter starter;

	private final @Nullable FallbackSessionRegistry registry;

	/**
	 * Create a handler that keeps no registry of its sessions.
	 * @param settings the limits to advertise and enforce on every session
	 * @param runtime the threads that run the sessions; closing it is up to the caller
	 * @param onConnect the application handler, called once per session on its own thread
	 */
	public QmuxWebSocketHandler(QmuxSettings settings, QmuxRuntime runtime, OnConnect onConnect) {
		this(settings, runtime, onConnect, null);
	}

	/**
	 * Create a handler.
	 * @param settings the limits to advertise and enforce on every session
	 * @param runtime the threads that run the sessions; closing it is up to the caller
	 * @param onConnect the application handler, called once per session on its own thread
	 * @param registry the registry that every session joins while its WebSocket is open, or
	 * {@code null}
	 */
	public QmuxWebSocketHandler(QmuxSettings settings, QmuxRuntime runtime, OnConnect onConnect,
			@Nullable FallbackSessionRegistry registry) {
		this(settings, runtime, onConnect, registry, SessionStarter.ENGINE);
	}

	QmuxWebSocketHandler(QmuxSettings settings, QmuxRuntime runtime, OnConnect onConnect,
			@Nullable FallbackSessionRegistry registry, SessionStarter starter) {
		Assert.notNull(settings, "'settings' must not be null");
		Assert.notNull(runtime, "'runtime' must not be null");
		Assert.notNull(onConnect, "'onConnect' must not be null");
		this.settings = settings;
		this.runtime = runtime;
		this.onConnect = onConnect;
		this.registry = registry;
		this.starter = starter;
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) {
		String id = WebSocketLogging.sessionId(session);
		try {
			recordSkippedTransports(session);
			QmuxWebSocketAdapter adapter = QmuxWebSocketAdapter.wrap(session, this.settings, this.runtime,
					this.onConnect, this.starter);
			logger.debug(LogMessage.format("[%s] Accepted '%s' from %s", id, session.getAcceptedProtocol(),
					session.getRemoteAddress()));
			track(session, adapter.connection());
		}
		catch (RuntimeException ex) {
			release(session);
			logger.error(LogMessage.format("[%s] Could not start a QMux session, WebSocket closed", id), ex);
		}
	}

	/**
	 * Keep the client's report of transports it skipped as a connection attribute, and count it.
	 */
	private void recordSkippedTransports(WebSocketSession session) {
		if (session.getUri() == null) {
			return;
		}
		String report = UriComponentsBuilder.fromUri(session.getUri()).build().getQueryParams()
			.getFirst(SkippedTransport.PARAMETER);
		if (report == null || report.isEmpty()) {
			return;
		}
		report = UriUtils.decode(report, StandardCharsets.UTF_8);
		session.getAttributes().put(SkippedTransport.ATTRIBUTE, report);
		for (SkippedTransport skipped : SkippedTransport.parse(report)) {
			this.runtime.listener().transportSkipped(Transport.WEBSOCKET, skipped);
		}
	}

	private void track(WebSocketSession session, WtConnection connection) {
		Permit permit = (Permit) session.getAttributes().get(QmuxHandshakeHandler.PERMIT_ATTRIBUTE);
		if (permit != null) {
			connection.closed().whenComplete((info, ex) -> permit.release());
		}
		if (this.registry != null) {
			session.getAttributes().put(REGISTRATION_ATTRIBUTE, this.registry.register(connection));
			if (!this.registry.isAccepting()) {
				// Admitted just before shutdown began: nothing drains it any more.
				connection.close(SessionDrainer.CLOSE_CODE, SessionDrainer.CLOSE_REASON);
			}
		}
	}

	private static void release(WebSocketSession session) {
		if (session.getAttributes().get(REGISTRATION_ATTRIBUTE) instanceof Registration registration) {
			registration.end();
		}
		if (session.getAttributes().get(QmuxHandshakeHandler.PERMIT_ATTRIBUTE) instanceof Permit permit) {
			permit.release();
		}
	}

	@Override
	public void handleMessage(WebSocketSession session, WebSocketMessage<?> message) {
		QmuxWebSocketAdapter adapter = QmuxWebSocketAdapter.of(session);
		if (adapter != null) {
			adapter.handleMessage(message);
		}
	}

	@Override
	public void handleTransportError(WebSocketSession session, Throwable exception) {
		WebSocketLogging.DISCONNECTS.debug(LogMessage.format("[%s] WebSocket transport failed: %s",
				WebSocketLogging.sessionId(session), exception));
		QmuxWebSocketAdapter adapter = QmuxWebSocketAdapter.of(session);
		if (adapter != null) {
			adapter.handleTransportError(exception);
		}
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus closeStatus) {
		WebSocketLogging.DISCONNECTS.debug(LogMessage.format("[%s] WebSocket closed with %s",
				WebSocketLogging.sessionId(session), closeStatus));
		QmuxWebSocketAdapter adapter = QmuxWebSocketAdapter.of(session);
		if (adapter != null) {
			adapter.handleClose(closeStatus);
		}
		release(session);
	}

	@Override
	public boolean supportsPartialMessages() {
		return true;
	}

}
