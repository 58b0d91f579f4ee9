package dev.wtfallback.core;

import java.util.List;

/**
 * Forwards every event to several listeners, in order.
 */
final class CompositeFallbackListener implements FallbackListener {

	private final List<FallbackListener> listeners;

	CompositeFallbackListener(List<? extends FallbackListener> listeners) {
		this.listeners = List.copyOf(listeners);
	}

	@Override
	public void handshakeRefused(Transport transport, RefusalReason reason) {
		this.listeners.forEach((listener) -> listener.handshakeRefused(transport, reason));
	}

	@Override
	public void transportSkipped(Transport transport, SkippedTransport skipped) {
		this.listeners.forEach((listener) -> listener.transportSkipped(transport, skipped));
	}

	@Override
	public void sessionOpened(Transport transport) {
		this.listeners.forEach((listener) -> listener.sessionOpened(transport));
	}

	@Override
	public void sessionClosed(Transport transport, CloseOutcome outcome) {
		this.listeners.forEach((listener) -> listener.sessionClosed(transport, outcome));
	}

	@Override
	public void streamOpened(Transport transport, boolean bidirectional, boolean local) {
		this.listeners.forEach((listener) -> listener.streamOpened(transport, bidirectional, local));
	}

	@Override
	public void streamClosed(Transport transport, boolean bidirectional) {
		this.listeners.forEach((listener) -> listener.streamClosed(transport, bidirectional));
	}

	@Override
	public void streamReset(Transport transport, boolean byPeer) {
		this.listeners.forEach((listener) -> listener.streamReset(transport, byPeer));
	}

	@Override
	public void bytesReceived(Transport transport, long bytes) {
		this.listeners.forEach((listener) -> listener.bytesReceived(transport, bytes));
	}

	@Override
	public void bytesSent(Transport transport, long bytes) {
		this.listeners.forEach((listener) -> listener.bytesSent(transport, bytes));
	}

	@Override
	public void datagramReceived(Transport transport) {
		this.listeners.forEach((listener) -> listener.datagramReceived(transport));
	}

	@Override
	public void datagramSent(Transport transport) {
		this.listeners.forEach((listener) -> listener.datagramSent(transport));
	}

	@Override
	public void datagramDropped(Transport transport, DropReason reason) {
		this.listeners.forEach((listener) -> listener.datagramDropped(transport, reason));
	}

	@Override
	public void senderBlocked(Transport transport, BlockedReason reason) {
		this.listeners.forEach((listener) -> listener.senderBlocked(transport, reason));
	}

	@Override
	public void protocolError(Transport transport, String errorName) {
		this.listeners.forEach((listener) -> listener.protocolError(transport, errorName));
	}

	@Override
	public void sseClientJoined() {
		this.listeners.forEach(FallbackListener::sseClientJoined);
	}

	@Override
	public void sseClientLeft() {
		this.listeners.forEach(FallbackListener::sseClientLeft);
	}

	@Override
	public void sseEventSent(boolean replayed) {
		this.listeners.forEach((listener) -> listener.sseEventSent(replayed));
	}

	@Override
	public void sseEventDropped() {
		this.listeners.forEach(FallbackListener::sseEventDropped);
	}

	@Override
	public void sseSlowClientDisconnected() {
		this.listeners.forEach(FallbackListener::sseSlowClientDisconnected);
	}

	@Override
	public void sseReplayGap() {
		this.listeners.forEach(FallbackListener::sseReplayGap);
	}

	@Override
	public void ingressMessage(IngressOutcome outcome) {
		this.listeners.forEach((listener) -> listener.ingressMessage(outcome));
	}

}
