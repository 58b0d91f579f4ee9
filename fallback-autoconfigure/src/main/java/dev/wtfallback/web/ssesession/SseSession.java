package dev.wtfallback.web.ssesession;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.Principal;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import dev.wtfallback.core.OnConnect;
import dev.wtfallback.core.WtConnection;
import dev.wtfallback.core.qmux.QmuxRuntime;
import dev.wtfallback.core.qmux.QmuxSession;
import dev.wtfallback.core.qmux.QmuxSettings;
import dev.wtfallback.core.qmux.SessionContext;
import dev.wtfallback.core.qmux.Subprotocols.NegotiatedProtocol;

import org.springframework.core.log.LogMessage;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The server side of one SSE+POST session: its event stream, the QMux engine it feeds and the
 * sequence of the POSTs it accepted.
 *
 * <h2>Threading</h2>
 * {@code postLock} serializes POSTs: each one is checked against {@code nextSequence} and its
 * records applied in order while the lock is held, so the records of two POSTs never
 * interleave. The engine applies records without blocking, and bodies are read and split
 * before the lock is taken, so a POST holds it only while the engine takes its records.
 * {@link #end} runs its work once, on whichever thread sees the stream or the engine end
 * first.
 */
final class SseSession {

	private final String token;

	private final String id;

	private final String principalName;

	private final SseSessionRegistry registry;

	private final SseEmitter emitter = new SseEmitter(0L);

	private final SseRecordTransport transport;

	private final ReentrantLock postLock = new ReentrantLock();

	private final AtomicBoolean ended = new AtomicBoolean();

	/** Sequence number the next new POST must carry; guarded by {@code postLock}. */
	private long nextSequence;

	private volatile QmuxSession engine;

	private volatile ScheduledFuture<?> heartbeat;

	SseSession(String token, String id, Principal principal, SseSessionRegistry registry) {
		this.token = token;
		this.id = id;
		this.principalName = (principal != null) ? principal.getName() : null;
		this.registry = registry;
		this.transport = new SseRecordTransport(id, this.emitter, this::end);
	}

	String token() {
		return this.token;
	}

	String id() {
		return this.id;
	}

	SseEmitter emitter() {
		return this.emitter;
	}

	/**
	 * Return the engine's connection, once {@link #start} started it.
	 */
	WtConnection connection() {
		return this.engine;
	}

	/**
	 * Write the session event, start the engine and the heartbeat. The session is registered
	 * first, so that whatever ends it from now on also removes it.
	 * @throws IOException if the session event could not be written
	 * @throws RuntimeException if the engine failed to start; the session has ended
	 */
	void start(SessionContext context, NegotiatedProtocol protocol, String postPath, QmuxSettings settings,
			QmuxRuntime runtime, OnConnect onConnect, Duration heartbeatInterval) throws IOException {
		this.registry.add(this);
		this.emitter.onTimeout(() -> streamEnded(1001, "event stream timed out"));
		this.emitter.onError((ex) -> streamEnded(1006, "event stream failed: " + ex));
		this.emitter.onCompletion(() -> streamEnded(1001, "event stream ended"));
		try {
			this.transport.sendSessionEvent(this.token, protocol.token(), postPath);
			this.engine = QmuxSession.accept(context, protocol, settings, this.transport, runtime, onConnect);
		}
		catch (IOException | RuntimeException ex) {
			end(1011, "session could not start");
			throw ex;
		}
		startHeartbeat(runtime, heartbeatInterval);
	}

	private void startHeartbeat(QmuxRuntime runtime, Duration interval) {
		long nanos = interval.toNanos();
		try {
			this.heartbeat = runtime.scheduler().scheduleAtFixedRate(() -> runtime.executor().execute(
					() -> heartbeat(nanos)), nanos, nanos, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			SseSessionLogging.DISCONNECTS.debug(LogMessage.format("[%s] Runtime is shutting down; no heartbeat",
					this.id));
		}
		if (this.ended.get()) {
			cancelHeartbeat();
		}
	}

	private void heartbeat(long intervalNanos) {
		try {
			this.transport.heartbeat(intervalNanos);
		}
		catch (IOException ex) {
			SseSessionLogging.DISCONNECTS.debug(LogMessage.format("[%s] Heartbeat failed: %s", this.id, ex));
			streamEnded(1006, "event stream failed");
		}
	}

	/**
	 * Return whether a POST by the given principal may feed this session: any POST when the
	 * session was opened anonymously, else only one by a principal of the same name.
	 */
	boolean admits(Principal principal) {
		return this.principalName == null
				|| (principal != null && Objects.equals(this.principalName, principal.getName()));
	}

	/**
	 * Apply the records of a POST if it carries the next sequence number.
	 * @param sequence the POST's sequence number
	 * @param body the POST's records
	 * @return what became of the POST
	 */
	PostResult apply(long sequence, RecordBody body) {
		this.postLock.lock();
		try {
			QmuxSession session = this.engine;
			if (this.ended.get() || session == null) {
				return new PostResult(PostResult.Kind.ENDED, this.nextSequence);
			}
			if (sequence != this.nextSequence) {
				PostResult.Kind kind = (sequence < this.nextSequence) ? PostResult.Kind.DUPLICATE
						: PostResult.Kind.GAP;
				return new PostResult(kind, this.nextSequence);
			}
			this.nextSequence++;
			for (ByteBuffer record : body.records()) {
				session.onRecord(record);
			}
			if (body.violation() != null) {
				violate(session, body.violation());
				return new PostResult(PostResult.Kind.MALFORMED, this.nextSequence);
			}
			return new PostResult(PostResult.Kind.APPLIED, this.nextSequence);
		}
		finally {
			this.postLock.unlock();
		}
	}

	private void violate(QmuxSession session, String violation) {
		SseSessionLogging.DISCONNECTS.debug(LogMessage.format("[%s] Malformed POST body: %s", this.id, violation));
		session.onMalformedInput("Malformed POST body: " + violation);
	}

	private void streamEnded(int statusCode, String reason) {
		this.transport.streamEnded();
		end(statusCode, reason);
	}

	/**
	 * End the session once: forget it, stop the heartbeat, tell the engine the transport
	 * closed and close the stream if it is still open.
	 * @param statusCode a WebSocket-style status code
	 * @param reason a short reason
	 */
	void end(int statusCode, String reason) {
		if (!this.ended.compareAndSet(false, true)) {
			return;
		}
		SseSessionLogging.DISCONNECTS.debug(LogMessage.format("[%s] Ended with %d (%s)", this.id, statusCode, reason));
		this.registry.remove(this);
		cancelHeartbeat();
		QmuxSession session = this.engine;
		if (session != null) {
			session.onTransportClosed(statusCode, reason);
		}
		this.transport.close(statusCode, reason);
	}

	private void cancelHeartbeat() {
		ScheduledFuture<?> task = this.heartbeat;
		if (task != null) {
			task.cancel(false);
		}
	}

	/**
	 * What became of a POST.
	 *
	 * @param kind the outcome
	 * @param nextSequence the sequence number the next new POST must carry
	 */
	record PostResult(Kind kind, long nextSequence) {

		/**
		 * The outcomes of a POST.
		 */
		enum Kind {

			/** The records were applied. */
			APPLIED,

			/** The sequence number was applied before; nothing was applied again. */
			DUPLICATE,

			/** The sequence number skips POSTs not yet received; nothing was applied. */
			GAP,

			/** The records before a malformed one were applied; the session is failing. */
			MALFORMED,

			/** The session ended; nothing was applied. */
			ENDED

		}

	}

}
