package dev.wtfallback.web.sse;

import java.io.IOException;
import java.security.Principal;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogMessage;

/**
 * One client's event stream: its identity, its bounded outbound queue and the drain that
 * writes the queue to the connection.
 *
 * <h2>Threading</h2>
 * Any thread may queue frames; the queue, its counters, the state and the close reason are
 * guarded by the queue's monitor. One drain runs at a time: a pending-signal counter lets the
 * first signal start a drain, on the hub's executor or inline on the container thread that
 * reports the connection writable, and makes that drain loop until it has seen every signal.
 * Writes never block; when the connection is not ready the drain returns and the container
 * calls back. A stuck client therefore holds no thread, only its queue, which is bounded.
 *
 * <h2>States</h2>
 * {@link State#OPEN} accepts events. {@link State#CLOSING} accepts none and either drains
 * what is queued before completing the response (a graceful close) or completes at once (an
 * abort). {@link State#CLOSED} is final: the response is complete or failed, and the hub has
 * removed the client and told its listeners, exactly once.
 */
public final class SseClient {

	/**
	 * Log category for clients that went away, which is normal and logged at DEBUG only.
	 */
	public static final String DISCONNECTED_CLIENT_LOG_CATEGORY = "dev.wtfallback.web.sse.DisconnectedClient";

	private static final Log disconnectedLogger = LogFactory.getLog(DISCONNECTED_CLIENT_LOG_CATEGORY);

	private final SseHub hub;

	private final String id;

	private final @Nullable Principal principal;

	private final boolean resumed;

	private final Instant connectedAt = Instant.now();

	private final SseTransport transport;

	private final Executor executor;

	private final int maxQueuedEvents;

	private final long maxQueuedBytes;

	private final ArrayDeque<SseFrame> queue = new ArrayDeque<>();

	private int queuedEvents;

	private long queuedBytes;

	private State state = State.OPEN;

	private @Nullable SseCloseReason closeReason;

	private boolean abort;

	private final AtomicInteger pendingSignals = new AtomicInteger();

	private final AtomicBoolean completed = new AtomicBoolean();

	private volatile boolean writable;

	SseClient(SseHub hub, String id, @Nullable Principal principal, boolean resumed, SseTransport transport,
			Executor executor, SseHubSettings settings) {
		this.hub = hub;
		this.id = id;
		this.principal = principal;
		this.resumed = resumed;
		this.transport = transport;
		this.executor = executor;
		this.maxQueuedEvents = settings.queueMaxEvents();
		this.maxQueuedBytes = settings.queueMaxBytes();
	}

	/**
	 * Return the client's id: 128 random bits, URL-safe base64 without padding. The id is a
	 * bearer secret for the ingress endpoint of clients without a principal.
	 * @return the id
	 */
	public String id() {
		return this.id;
	}

	/**
	 * Return the principal of the request that opened the stream.
	 * @return the principal, or {@code null} for an anonymous request
	 */
	public @Nullable Principal principal() {
		return this.principal;
	}

	/**
	 * Return the name of the principal of the request that opened the stream.
	 * @return the name, or {@code null} for an anonymous request
	 */
	public @Nullable String principalName() {
		return (this.principal != null) ? this.principal.getName() : null;
	}

	/**
	 * Whether this stream resumed an earlier stream's identity from its {@code Last-Event-ID}.
	 * @return {@code true} for a resumed stream
	 */
	public boolean isResumed() {
		return this.resumed;
	}

	/**
	 * Return when the stream was accepted.
	 * @return the time
	 */
	public Instant connectedAt() {
		return this.connectedAt;
	}

	/**
	 * Return the stream's state.
	 * @return the state
	 */
	public State state() {
		synchronized (this.queue) {
			return this.state;
		}
	}

	/**
	 * Whether events are still accepted for this client.
	 * @return {@code true} while {@link State#OPEN}
	 */
	public boolean isOpen() {
		return state() == State.OPEN;
	}

	/**
	 * Send an event to this client; see {@link SseHub#send(String, String, Object)}.
	 * @param event the event name, {@code null} for the default {@code message} type
	 * @param data the data, possibly {@code null}
	 * @throws UnknownClientException if this client is no longer open
	 */
	public void send(@Nullable String event, @Nullable Object data) {
		this.hub.send(this.id, event, data);
	}

	/**
	 * Close this client's identity for good, whichever stream carries it now; see
	 * {@link SseHub#close(String)}.
	 */
	public void close() {
		this.hub.close(this.id);
	}

	@Override
	public String toString() {
		return "SseClient[" + shortId(this.id) + ", " + state() + "]";
	}

	static String shortId(String id) {
		return (id.length() > 8) ? id.substring(0, 8) + "..." : id;
	}

	String logPrefix() {
		return "[sse " + shortId(this.id) + "] ";
	}

	// Queueing, called by the hub on any thread

	Offer offer(SseFrame frame) {
		synchronized (this.queue) {
			if (this.state != State.OPEN) {
				return Offer.CLOSED;
			}
			if (this.queuedEvents > 0 && (this.queuedEvents >= this.maxQueuedEvents
					|| this.queuedBytes + frame.size() > this.maxQueuedBytes)) {
				return Offer.FULL;
			}
			add(frame);
		}
		signal();
		return Offer.QUEUED;
	}

	boolean offerUncounted(SseFrame frame) {
		synchronized (this.queue) {
			if (this.state != State.OPEN) {
				return false;
			}
			add(frame);
		}
		signal();
		return true;
	}

	void heartbeat() {
		synchronized (this.queue) {
			if (this.state != State.OPEN || !this.queue.isEmpty()) {
				return;
			}
			add(SseFrame.HEARTBEAT);
		}
		signal();
	}

	/**
	 * Stop accepting events and end the stream. A graceful close writes what is queued first;
	 * an abort discards it. An abort may follow a graceful close that takes too long.
	 */
	void close(SseCloseReason reason, boolean abort) {
		synchronized (this.queue) {
			if (this.state == State.CLOSED || (this.state == State.CLOSING && (this.abort || !abort))) {
				return;
			}
			if (this.state == State.OPEN) {
				this.closeReason = reason;
			}
			this.state = State.CLOSING;
			this.abort = abort;
		}
		signal();
	}

	private void add(SseFrame frame) {
		this.queue.addLast(frame);
		if (frame.counted()) {
			this.queuedEvents++;
			this.queuedBytes += frame.size();
		}
	}

	private @Nullable SseFrame poll() {
		synchronized (this.queue) {
			SseFrame frame = this.queue.pollFirst();
			if (frame != null && frame.counted()) {
				this.queuedEvents--;
				this.queuedBytes -= frame.size();
			}
			return frame;
		}
	}

	// Transport callbacks, on container threads

	void writePossible() {
		this.writable = true;
		if (this.pendingSignals.getAndIncrement() == 0) {
			drain();
		}
	}

	void transportFailed(@Nullable Throwable failure) {
		disconnectedLogger.debug(LogMessage.format("%sConnection failed: %s", logPrefix(), failure));
		endInline(SseCloseReason.GONE);
	}

	void transportTimedOut() {
		disconnectedLogger.debug(LogMessage.format("%sAsynchronous request timed out; the client will reconnect",
				logPrefix()));
		endInline(SseCloseReason.TIMEOUT);
	}

	void transportCompleted() {
		this.completed.set(true);
		SseCloseReason reason = markClosed(SseCloseReason.GONE);
		if (reason != null) {
			this.hub.removed(this, reason);
		}
	}

	private void endInline(SseCloseReason reason) {
		synchronized (this.queue) {
			if (this.state == State.OPEN) {
				this.closeReason = reason;
			}
			if (this.state != State.CLOSED) {
				this.state = State.CLOSING;
			}
			this.abort = true;
		}
		if (this.pendingSignals.getAndIncrement() == 0) {
			drain();
		}
	}

	// Draining, one thread at a time

	private void signal() {
		if (this.pendingSignals.getAndIncrement() == 0) {
			try {
				this.executor.execute(this::drain);
			}
			catch (RejectedExecutionException ex) {
				this.pendingSignals.set(0);
				completeTransport();
			}
		}
	}

	private void drain() {
		int missed = 1;
		do {
			drainOnce();
			missed = this.pendingSignals.addAndGet(-missed);
		}
		while (missed != 0);
	}

	private void drainOnce() {
		if (this.completed.get()) {
			return;
		}
		try {
			if (isAborting()) {
				finish();
			}
			else if (this.writable && writeQueued() && isClosingAndEmpty()) {
				finish();
			}
		}
		catch (IOException | RuntimeException ex) {
			disconnectedLogger.debug(LogMessage.format("%sWrite failed, client gone: %s", logPrefix(), ex));
			synchronized (this.queue) {
				if (this.state == State.OPEN) {
					this.closeReason = SseCloseReason.GONE;
				}
			}
			finish();
		}
	}

	/**
	 * Write queued frames while the connection is ready, then flush.
	 * @return {@code true} if the queue was emptied and flushed, {@code false} if the
	 * connection stopped being ready and will call back
	 */
	private boolean writeQueued() throws IOException {
		while (this.transport.isReady()) {
			SseFrame frame = poll();
			if (frame == null) {
				this.transport.flush();
				return true;
			}
			this.transport.write(frame.bytesFor(this.id));
		}
		return false;
	}

	private boolean isAborting() {
		synchronized (this.queue) {
			return this.state == State.CLOSED || (this.state == State.CLOSING && this.abort);
		}
	}

	private boolean isClosingAndEmpty() {
		synchronized (this.queue) {
			return this.state == State.CLOSING && this.queue.isEmpty();
		}
	}

	private void finish() {
		completeTransport();
		SseCloseReason reason = markClosed(SseCloseReason.GONE);
		if (reason != null) {
			this.hub.removed(this, reason);
		}
	}

	void completeTransport() {
		if (this.completed.compareAndSet(false, true)) {
			try {
				this.transport.complete();
			}
			catch (RuntimeException ex) {
				disconnectedLogger.debug(LogMessage.format("%sResponse already ended: %s", logPrefix(), ex));
			}
		}
	}

	/**
	 * Move to {@link State#CLOSED} if not there yet.
	 * @return the reason the stream ended if this call closed it, {@code null} if it was closed
	 */
	@Nullable SseCloseReason markClosed(SseCloseReason fallbackReason) {
		synchronized (this.queue) {
			if (this.state == State.CLOSED) {
				return null;
			}
			this.state = State.CLOSED;
			if (this.closeReason == null) {
				this.closeReason = fallbackReason;
			}
			this.queue.clear();
			this.queuedEvents = 0;
			this.queuedBytes = 0;
			return this.closeReason;
		}
	}

	/**
	 * The states of a client's stream.
	 */
	public enum State {

		/**
		 * Accepting events.
		 */
		OPEN,

		/**
		 * Accepting no more events; the response is being completed.
		 */
		CLOSING,

		/**
		 * The response has ended and the client has left the hub.
		 */
		CLOSED

	}

	/**
	 * The outcome of queueing an event.
	 */
	enum Offer {

		QUEUED, FULL, CLOSED

	}

}
