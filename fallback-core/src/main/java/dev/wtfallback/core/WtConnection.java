package dev.wtfallback.core;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One multiplexed session with a peer: bidirectional and unidirectional streams plus
 * datagrams, the same whatever transport carries them.
 *
 * <p>Every method may be called from any thread. Blocking methods wait without holding any
 * lock that inbound traffic needs, and throw {@link SessionClosedException} once the
 * connection ended; their {@code Async} forms return futures instead.
 */
public interface WtConnection extends AutoCloseable {

	/**
	 * Log category of every transport for peers that went away: routine, so logged at DEBUG
	 * and without stack traces, each line starting with the session id.
	 */
	String DISCONNECT_LOG_CATEGORY = "dev.wtfallback.disconnect";

	/**
	 * Return an id unique within this process, for logs and correlation.
	 * @return the connection id
	 */
	String id();

	/**
	 * Return the transport that carries this connection.
	 * @return the transport
	 */
	Transport transport();

	/**
	 * Return the application protocol negotiated in the handshake, such as {@code chat} from
	 * the subprotocol {@code qmux-02.chat}.
	 * @return the application protocol, or an empty string when the client offered none
	 */
	String applicationProtocol();

	/**
	 * Return the peer's address as the transport saw it.
	 * @return the remote address, or {@code null} when unknown
	 */
	InetSocketAddress remoteAddress();

	/**
	 * Return the principal that authenticated the handshake.
	 * @return the principal, or {@code null} for an anonymous peer
	 */
	Principal principal();

	/**
	 * Return attributes copied from the handshake, writable by the application.
	 * @return a thread-safe, mutable map
	 */
	Map<String, Object> attributes();

	/**
	 * Wait for the peer to open a bidirectional stream.
	 * @return the stream
	 * @throws SessionClosedException if the connection ended
	 * @throws java.io.InterruptedIOException if the thread was interrupted while waiting
	 */
	BidirectionalStream acceptStream() throws IOException;

	/**
	 * Return a future for the next bidirectional stream the peer opens.
	 * @return the future, completed exceptionally with {@link SessionClosedException} when the
	 * connection ends first
	 */
	CompletableFuture<BidirectionalStream> acceptStreamAsync();

	/**
	 * Wait for the peer to open a unidirectional stream.
	 * @return the stream
	 * @throws SessionClosedException if the connection ended
	 * @throws java.io.InterruptedIOException if the thread was interrupted while waiting
	 */
	ReceiveStream acceptUnidirectionalStream() throws IOException;

	/**
	 * Return a future for the next unidirectional stream the peer opens.
	 * @return the future
	 */
	CompletableFuture<ReceiveStream> acceptUnidirectionalStreamAsync();

	/**
	 * Open a bidirectional stream, waiting while the peer's stream limit is reached.
	 * @return the stream
	 * @throws SessionClosedException if the connection ended
	 * @throws java.io.InterruptedIOException if the thread was interrupted while waiting
	 */
	BidirectionalStream openStream() throws IOException;

	/**
	 * Open a bidirectional stream without blocking the caller.
	 * @return a future for the stream
	 */
	CompletableFuture<BidirectionalStream> openStreamAsync();

	/**
	 * Open a unidirectional stream, waiting while the peer's stream limit is reached.
	 * @return the stream
	 * @throws SessionClosedException if the connection ended
	 * @throws java.io.InterruptedIOException if the thread was interrupted while waiting
	 */
	SendStream openUnidirectionalStream() throws IOException;

	/**
	 * Open a unidirectional stream without blocking the caller.
	 * @return a future for the stream
	 */
	CompletableFuture<SendStream> openUnidirectionalStreamAsync();

	/**
	 * Send one datagram. Datagrams arrive whole or not at all; over a reliable transport they
	 * arrive in order, but the peer may drop them when its queue is full.
	 * @param data the payload, at most {@link #maxDatagramSize()} bytes
	 * @throws IllegalArgumentException if the payload is larger than {@link #maxDatagramSize()}
	 * @throws IllegalStateException if the peer does not accept datagrams
	 * @throws SessionClosedException if the connection ended
	 */
	void sendDatagram(byte[] data) throws IOException;

	/**
	 * Wait for the next datagram from the peer.
	 * @return the payload
	 * @throws SessionClosedException if the connection ended
	 * @throws java.io.InterruptedIOException if the thread was interrupted while waiting
	 */
	byte[] receiveDatagram() throws IOException;

	/**
	 * Return a future for the next datagram from the peer.
	 * @return the future
	 */
	CompletableFuture<byte[]> receiveDatagramAsync();

	/**
	 * Return the largest datagram payload the peer accepts.
	 * @return the size in bytes, 0 when the peer accepts no datagrams
	 */
	int maxDatagramSize();

	/**
	 * Return how many datagrams from the peer were dropped because the receive queue was full.
	 * @return the number of dropped datagrams
	 */
	long droppedDatagrams();

	/**
	 * Close gracefully with APPLICATION_CLOSE: every stream ends, blocked calls fail with
	 * {@link SessionClosedException}. Idempotent.
	 * @param code the application close code, from 0 to 2<sup>62</sup>-1
	 * @param reason a short reason, sent UTF-8 encoded and cut to fit one record; may be
	 * {@code null}
	 */
	void close(long code, String reason);

	/**
	 * Close gracefully with code 0 and no reason.
	 */
	@Override
	default void close() {
		close(0, "");
	}

	/**
	 * Return a future that completes when the connection ends, however it ends; it never
	 * completes exceptionally.
	 * @return the close future
	 */
	CompletableFuture<CloseInfo> closed();

	/**
	 * Return whether the connection is still open.
	 * @return {@code true} until the connection ends
	 */
	default boolean isOpen() {
		return !closed().isDone();
	}

}
