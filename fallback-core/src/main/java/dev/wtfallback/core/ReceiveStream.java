package dev.wtfallback.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;

/**
 * The receiving half of a stream: bytes the peer wrote, in order, buffered up to the window
 * this side advertised.
 *
 * <p>Reading returns credit to the peer. A stream nobody reads stops its peer once the stream
 * window fills, without slowing the connection's other streams. Reads may come from any thread
 * but are meant for one reader at a time.
 */
public interface ReceiveStream {

	/**
	 * Return the QUIC stream id: the low two bits give the initiator and direction.
	 * @return the stream id
	 */
	long id();

	/**
	 * Read up to {@code length} bytes, blocking until at least one byte arrived or the stream
	 * ended. Bytes that do not fit stay buffered for the next read; nothing is lost.
	 * @param buffer where to put the bytes
	 * @param offset the first index to fill
	 * @param length the most bytes to read
	 * @return the number of bytes read, or -1 at the end of the stream
	 * @throws StreamResetException if the peer reset the stream
	 * @throws SessionClosedException if the connection ended before the end of the stream
	 * @throws java.io.InterruptedIOException if the thread was interrupted while waiting
	 */
	int read(byte[] buffer, int offset, int length) throws IOException;

	/**
	 * Read up to {@code buffer.length} bytes; see {@link #read(byte[], int, int)}.
	 * @param buffer where to put the bytes
	 * @return the number of bytes read, or -1 at the end of the stream
	 * @throws IOException as {@link #read(byte[], int, int)}
	 */
	default int read(byte[] buffer) throws IOException {
		return read(buffer, 0, buffer.length);
	}

	/**
	 * Read without blocking the caller: the future completes with the next chunk of bytes,
	 * with an empty array at the end of the stream, or exceptionally as
	 * {@link #read(byte[], int, int)} throws.
	 * @param maxLength the most bytes to return
	 * @return a future for the next chunk
	 */
	CompletableFuture<byte[]> readAsync(int maxLength);

	/**
	 * Read every remaining byte until the end of the stream, blocking.
	 * @param maxLength the most bytes to accept
	 * @return the bytes
	 * @throws IOException as {@link #read(byte[], int, int)}, or when more than
	 * {@code maxLength} bytes arrive; in that case the stream is stopped
	 */
	byte[] readAllBytes(int maxLength) throws IOException;

	/**
	 * Ask the peer to stop sending with STOP_SENDING; buffered bytes are discarded and later
	 * reads fail. Does nothing when the stream already ended.
	 * @param errorCode the application error code, from 0 to 2<sup>62</sup>-1
	 */
	void stopSending(long errorCode);

	/**
	 * Return an {@link InputStream} view: {@code read} as {@link #read(byte[], int, int)},
	 * {@code close} stops sending with code 0 unless the end was reached.
	 * @return the input stream view
	 */
	InputStream inputStream();

	/**
	 * Return a future that completes when the receiving half ends: normally once the end of the
	 * stream was read, exceptionally after a reset.
	 * @return the completion future
	 */
	CompletableFuture<Void> receiveClosed();

}
