package dev.wtfallback.web.sse;

import java.io.ByteArrayOutputStream;
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

import dev.wtfallback.core.WtConnection;

/**
 * One client's event stream: its identity, its bounded outbound queue and the drain that
 * writes the queue to the connection.
 *
 * <h2>Threading</h2>
 * Any thread may queue frames; the queue, its counters, the state and the close reason are
 * guarded by the queue's monitor. One drain runs at a time: a pending-signal counter lets
 * the first signal start a drain and makes that drain loop until it has seen every signal.
 * The first drain runs on the container thread that opened the stream, once the transport is
 * ready, and writes at most a few kilobytes of opening events; later drains run on the hub's
 * drain executor. A drain takes frames from the queue in batches and sends each batch
 * through the transport, a blocking write that lasts as long as the client is slow, so a
 * stuck client holds one drain thread and its queue, which is bounded. Other container
 * callbacks never write; a timeout completes the response on the container thread when no
 * drain runs.
 *
 * <h2>States</h2>
 * {@link State#OPEN} accepts events. {@link State#CLOSING} accepts none and writes what is
 * queued before completing the response (a graceful close). {@link State#CLOSED} is final:
 * the queue is discarded and the client leaves the hub, whose listeners are told exactly once;
 * the response is completed by the drain when no write is in progress, unless the container
 * ended it already. An abort moves to {@link State#CLOSED} directly, so a client whose write
 * is stuck leaves at once while its write runs out.
 */
public final class SseClient {

	/**
	 * Log category for clients that went away, which is normal and logged at DEBUG only; the
	 * category every transport and the session engine share.
	 */
	public static final String DISCONNECTED_CLIENT_LOG_CATEGORY = WtConnection.DISCONNECT_LOG_CATEGORY;

	private static final Log disconnectedLogger = LogFactory.getLog(DISCONNECTED_CLIENT_LOG_CATEGORY);

	/**
	 * Maximum bytes of queued frames handed to one send, which flushes once.
	 */
	private static final int MAX_BATCH_BYTES = 64 * 1024;

	/**
	 * Maximum bytes the container thread writes when the stream opens: little enough to fit
	 * the send buffer of a new connection, so that thread never waits for the client.
	 */
	private static final int OPENING_BATCH_BYTES = 8 * 1024;

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

	private final AtomicInteger pendingSignals = new AtomicInteger();

	private final AtomicBoolean completed = new AtomicBoolean();

	private volatile boolean ready;

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
	 * Stop accepting events, write what is queued, then end the response. The client leaves
	 * the hub once the response has ended.
	 */
	void close(SseCloseReason reason) {
		synchronized (this.queue) {
			if (this.state != State.OPEN) {
				return;
			}
			this.closeReason = reason;
			this.state = State.CLOSING;
		}
		signal();
	}

	/**
	 * Discard what is queued and move to {@link State#CLOSED} at once, also from
	 * {@link State#CLOSING}; the drain ends the response as soon as no write is in progress. The
	 * caller reports the departure to the hub, outside the hub's lock.
	 * @return the reason the stream ended if this call closed it, {@code null} if it was closed
	 */
	@Nullable SseCloseReason abort(SseCloseReason reason) {
		SseCloseReason ended = markClosed(reason);
		if (ended != null) {
			signal();
		}
		return ended;
	}

	private void add(SseFrame frame) {
		this.queue.addLast(frame);
		if (frame.counted()) {
			this.queuedEvents++;
			this.queuedBytes += frame.size();
		}
	}

	/**
	 * Take queued frames up to a size.
	 * @param maxBytes the maximum size of the batch
	 * @param oversizedFirst whether a first frame larger than the maximum is taken alone
	 * @return the frames' text with id lines, or {@code null} if no frame was taken
	 */
	private byte @Nullable [] pollBatch(int maxBytes, boolean oversizedFirst) {
		ByteArrayOutputStream batch = new ByteArrayOutputStream();
		synchronized (this.queue) {
			while (!this.queue.isEmpty() && ((oversizedFirst && batch.size() == 0)
					|| batch.size() + this.queue.peekFirst().size() <= maxBytes)) {
				SseFrame frame = this.queue.pollFirst();
				if (frame.counted()) {
					this.queuedEvents--;
					this.queuedBytes -= frame.size();
				}
				batch.writeBytes(frame.bytesFor(this.id));
			}
		}
		return (batch.size() > 0) ? batch.toByteArray() : null;
	}

	// Transport callbacks, on container threads

	/**
	 * Called once, on the container thread that opened the stream, when sends may begin. That
	 * thread writes the opening events itself, up to {@link #OPENING_BATCH_BYTES}, and leaves
	 * the rest to the executor: the request's first dispatch has not returned yet, and Tomcat
	 * mishandles a write that fails on another thread at that moment, handling the failure
	 * twice and losing the request.
	 */
	void transportReady() {
		this.ready = true;
		if (this.pendingSignals.getAndIncrement() == 0) {
			boolean more = drainOpening();
			if (more || this.pendingSignals.decrementAndGet() != 0) {
				execute();
			}
		}
	}

	void transportFailed(@Nullable Throwable failure) {
		disconnectedLogger.debug(LogMessage.format("%sConnection failed: %s", logPrefix(), failure));
		transportEnded();
	}

	void transportCompleted() {
		transportEnded();
	}

	/**
	 * Complete the response while still on the container's timeout callback, unless a drain is
	 * running, which then completes it.
	 */
	void transportTimedOut() {
		disconnectedLogger.debug(LogMessage.format("%sAsynchronous request timed out; the client will reconnect",
				logPrefix()));
		SseCloseReason reason = markClosed(SseCloseReason.TIMEOUT);
		if (this.pendingSignals.getAndIncrement() == 0) {
			drain();
		}
		if (reason != null) {
			this.hub.removed(this, reason);
		}
	}

	/**
	 * The container ended the response, so nothing is written or completed any more.
	 */
	private void transportEnded() {
		this.completed.set(true);
		SseCloseReason reason = markClosed(SseCloseReason.GONE);
		if (reason != null) {
			this.hub.removed(this, reason);
		}
	}

	// Draining, one thread at a time

	/**
	 * Start a drain on the executor unless one runs. Before the transport is ready nothing
	 * starts: frames wait in the queue for the drain that {@link #transportReady()} runs.
	 */
	private void signal() {
		if (this.ready && this.pendingSignals.getAndIncrement() == 0) {
			execute();
		}
	}

	/**
	 * Run a drain on the executor; the caller owns the drain, pending signals being non-zero.
	 */
	private void execute() {
		try {
			this.executor.execute(this::drain);
		}
		catch (RejectedExecutionException ex) {
			this.pendingSignals.set(0);
			completeTransport();
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
			if (state() == State.CLOSED) {
				completeTransport();
				return;
			}
			byte[] batch;
			while ((batch = pollBatch(MAX_BATCH_BYTES, true)) != null) {
				this.transport.send(batch);
			}
			finishIfClosing();
		}
		catch (IOException | RuntimeException ex) {
			sendFailed(ex);
		}
	}

	/**
	 * Send at most one small batch on the container thread that opened the stream.
	 * @return {@code true} if frames are left for a drain on the executor
	 */
	private boolean drainOpening() {
		if (this.completed.get()) {
			return false;
		}
		try {
			if (state() == State.CLOSED) {
				completeTransport();
				return false;
			}
			byte[] batch = pollBatch(OPENING_BATCH_BYTES, false);
			if (batch != null) {
				this.transport.send(batch);
			}
			return !finishIfClosing();
		}
		catch (IOException | RuntimeException ex) {
			sendFailed(ex);
			return false;
		}
	}

	/**
	 * Finish a graceful close once everything is sent.
	 * @return {@code true} if nothing is queued any more
	 */
	private boolean finishIfClosing() {
		boolean closing;
		synchronized (this.queue) {
			if (!this.queue.isEmpty()) {
				return false;
			}
			closing = this.state == State.CLOSING;
		}
		if (closing) {
			finish();
		}
		return true;
	}

	/**
	 * End the stream after a failed send. The response is completed too, although the
	 * container usually reports the failure and ends it: Tomcat does not end a request whose
	 * write failed before its first dispatch returned unless the application completes it.
	 */
	private void sendFailed(Exception ex) {
		disconnectedLogger.debug(LogMessage.format("%sWrite failed, client gone: %s", logPrefix(), ex));
		completeTransport();
		transportEnded();
	}

	private void finish() {
		completeTransport();
		SseCloseReason reason = markClosed(SseCloseReason.GONE);
		if (reason != null) {
			this.hub.removed(this, reason);
		}
	}

	private void completeTransport() {
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
	private @Nullable SseCloseReason markClosed(SseCloseReason fallbackReason) {
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
