package dev.wtfallback.core;

import java.util.List;

/**
 * Receives what sessions, streams, datagrams and the SSE hub do, for metrics. Every method
 * has a no-op default, so an implementation overrides only what it counts.
 *
 * <p>Methods are called on the thread that did the work, sometimes while a session holds its
 * lock: they must return quickly, must not block and must not throw. Tag values are drawn
 * from the enums below, so they form a bounded set.
 */
public interface FallbackListener {

	/** A listener that ignores everything. */
	FallbackListener NONE = new FallbackListener() {
	};

	/**
	 * Return a listener that forwards every event to each of the given listeners in order.
	 * @param listeners the listeners
	 * @return the composite listener, or {@link #NONE} when the list is empty
	 */
	static FallbackListener composite(List<? extends FallbackListener> listeners) {
		if (listeners.isEmpty()) {
			return NONE;
		}
		if (listeners.size() == 1) {
			return listeners.get(0);
		}
		return new CompositeFallbackListener(List.copyOf(listeners));
	}

	/**
	 * A handshake was refused before any session existed.
	 * @param transport the transport that was asked for
	 * @param reason why it was refused
	 */
	default void handshakeRefused(Transport transport, RefusalReason reason) {
	}

	/**
	 * A client reported that it skipped a better transport before it opened a session here.
	 * @param transport the transport of the session it opened
	 * @param skipped the transport it skipped, and why
	 */
	default void transportSkipped(Transport transport, SkippedTransport skipped) {
	}

	/**
	 * A session was established.
	 * @param transport its transport
	 */
	default void sessionOpened(Transport transport) {
	}

	/**
	 * A session ended.
	 * @param transport its transport
	 * @param outcome how it ended
	 */
	default void sessionClosed(Transport transport, CloseOutcome outcome) {
	}

	/**
	 * A stream was opened, by either side.
	 * @param transport the session's transport
	 * @param bidirectional whether the stream carries bytes both ways
	 * @param local whether this side opened it
	 */
	default void streamOpened(Transport transport, boolean bidirectional, boolean local) {
	}

	/**
	 * A stream ended in both directions, or with its session.
	 * @param transport the session's transport
	 * @param bidirectional whether the stream carried bytes both ways
	 */
	default void streamClosed(Transport transport, boolean bidirectional) {
	}

	/**
	 * One direction of a stream was reset.
	 * @param transport the session's transport
	 * @param byPeer whether the peer sent RESET_STREAM, rather than this side
	 */
	default void streamReset(Transport transport, boolean byPeer) {
	}

	/**
	 * Bytes of records arrived from a peer.
	 * @param transport the session's transport
	 * @param bytes the record size
	 */
	default void bytesReceived(Transport transport, long bytes) {
	}

	/**
	 * Bytes of records were handed to the transport.
	 * @param transport the session's transport
	 * @param bytes the record size
	 */
	default void bytesSent(Transport transport, long bytes) {
	}

	/**
	 * A datagram arrived and was queued for the application.
	 * @param transport the session's transport
	 */
	default void datagramReceived(Transport transport) {
	}

	/**
	 * A datagram was queued for sending.
	 * @param transport the session's transport
	 */
	default void datagramSent(Transport transport) {
	}

	/**
	 * An arriving datagram was dropped.
	 * @param transport the session's transport
	 * @param reason why
	 */
	default void datagramDropped(Transport transport, DropReason reason) {
	}

	/**
	 * A sender had to wait.
	 * @param transport the session's transport
	 * @param reason what it waited for
	 */
	default void senderBlocked(Transport transport, BlockedReason reason) {
	}

	/**
	 * A peer broke the protocol and its session was closed with CONNECTION_CLOSE.
	 * @param transport the session's transport
	 * @param errorName the QUIC error name, such as {@code FLOW_CONTROL_ERROR}
	 */
	default void protocolError(Transport transport, String errorName) {
	}

	/**
	 * An SSE hub client connected.
	 */
	default void sseClientJoined() {
	}

	/**
	 * An SSE hub client went away.
	 */
	default void sseClientLeft() {
	}

	/**
	 * An event was queued for one SSE hub client.
	 * @param replayed whether it was queued again for a client that reconnected
	 */
	default void sseEventSent(boolean replayed) {
	}

	/**
	 * An event was not delivered to one SSE hub client, whose queue was full.
	 */
	default void sseEventDropped() {
	}

	/**
	 * An SSE hub client was disconnected because it read too slowly.
	 */
	default void sseSlowClientDisconnected() {
	}

	/**
	 * A reconnecting SSE hub client missed events that were no longer kept.
	 */
	default void sseReplayGap() {
	}

	/**
	 * A message was posted to the SSE hub.
	 * @param outcome what became of it
	 */
	default void ingressMessage(IngressOutcome outcome) {
	}

	/**
	 * Why a handshake was refused.
	 */
	enum RefusalReason {

		/** The Origin header is not allowed. */
		ORIGIN,

		/** No offered subprotocol is acceptable. */
		SUBPROTOCOL,

		/** The request was not authenticated, or not allowed. */
		AUTHENTICATION,

		/** A limit on concurrent sessions was reached. */
		LIMIT,

		/** The application is shutting down. */
		SHUTDOWN

	}

	/**
	 * How a session ended.
	 */
	enum CloseOutcome {

		/** APPLICATION_CLOSE from either side. */
		GRACEFUL,

		/** CONNECTION_CLOSE from either side: a protocol or internal error. */
		ERROR,

		/** The idle timeout expired. */
		IDLE,

		/** The transport went away without a close frame. */
		DROPPED

	}

	/**
	 * Why an arriving datagram was dropped.
	 */
	enum DropReason {

		/** The application did not take datagrams fast enough. */
		QUEUE_FULL

	}

	/**
	 * What a sender waited for.
	 */
	enum BlockedReason {

		/** Connection credit (MAX_DATA). */
		CONNECTION_CREDIT,

		/** Stream credit (MAX_STREAM_DATA). */
		STREAM_CREDIT,

		/** Stream count credit (MAX_STREAMS). */
		STREAM_LIMIT,

		/** Room in the session's send buffer. */
		SEND_BUFFER

	}

	/**
	 * What became of a posted message.
	 */
	enum IngressOutcome {

		/** Delivered to the application. */
		ACCEPTED,

		/** A retry of a message already delivered; acknowledged, not delivered again. */
		DUPLICATE,

		/** Refused with a client error. */
		REFUSED

	}

}
