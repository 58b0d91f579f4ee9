package dev.wtfallback.web.ssesession;

import java.security.Principal;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.log.LogMessage;

/**
 * The SSE+POST sessions open on this server node, by session id, and the source of new ids.
 *
 * <p>A session lives only here, on the node that holds its event stream: POSTs for it must
 * reach this node, so behind a load balancer they need sticky routing on the session id path
 * segment or a cookie. Session ids carry 128 random bits from {@link SecureRandom}, encoded in
 * URL-safe base64; they act as bearer capabilities for anonymous sessions and are never logged.
 * Logs name each session by a short id of the form {@code sse-7} instead.
 *
 * <p>As a {@link SmartLifecycle} in the phase just before the latest, it ends every session
 * still open with status 1001 when the application context stops: after the
 * {@link dev.wtfallback.web.server.SessionDrainer} of the latest phase gave them their grace
 * period, and before the web server's graceful shutdown would wait for the open event
 * streams; afterwards no new session is admitted. Thread-safe.
 */
public class SseSessionRegistry implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(SseSessionRegistry.class);

	private static final int ID_BYTES = 16;

	private final SecureRandom random = new SecureRandom();

	private final Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();

	private final AtomicLong counter = new AtomicLong();

	private final Map<String, SseSession> sessions = new ConcurrentHashMap<>();

	private volatile boolean running = true;

	/**
	 * Return how many sessions are open on this node.
	 * @return the number of open sessions
	 */
	public int size() {
		return this.sessions.size();
	}

	SseSession create(Principal principal) {
		byte[] bytes = new byte[ID_BYTES];
		this.random.nextBytes(bytes);
		return new SseSession(this.encoder.encodeToString(bytes), "sse-" + this.counter.incrementAndGet(), principal,
				this);
	}

	void add(SseSession session) {
		this.sessions.put(session.token(), session);
	}

	SseSession find(String token) {
		return this.sessions.get(token);
	}

	void remove(SseSession session) {
		this.sessions.remove(session.token(), session);
	}

	/**
	 * Admit new sessions again after a {@link #stop()}.
	 */
	@Override
	public void start() {
		this.running = true;
	}

	/**
	 * Refuse new sessions and end the open ones with status 1001.
	 */
	@Override
	public void stop() {
		this.running = false;
		ArrayList<SseSession> open = new ArrayList<>(this.sessions.values());
		if (!open.isEmpty()) {
			logger.info(LogMessage.format("Ending %d SSE+POST sessions: the server is shutting down", open.size()));
		}
		for (SseSession session : open) {
			session.end(1001, "server shutting down");
		}
	}

	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 1;
	}

	/**
	 * Return whether new sessions are admitted: from creation until {@link #stop()}.
	 * @return whether the registry runs
	 */
	@Override
	public boolean isRunning() {
		return this.running;
	}

}
