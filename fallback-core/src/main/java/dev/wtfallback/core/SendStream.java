package dev.wtfallback.core;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * The sending half of a stream: bytes written here reach the peer in order, bounded by the
 * peer's flow control credit.
 *
 * <p>All methods may be called from any thread; concurrent writes are serialized, each one
 * landing whole and in call order. Writes block while the peer's credit or the connection's
 * send buffer is exhausted, and never lose bytes.
 */
public interface SendStream {

	/**
	 * Return the QUIC stream id: the low two bits give the initiator and direction.
	 * @return the stream id
	 */
	long id();

	/**
	 * Write all given bytes, blocking until flow control lets every byte be queued.
	 * @param data the bytes to write
	 * @param offset the first byte to write
	 * @param length how many bytes to write
	 * @throws StreamResetException if this direction was reset, or the peer asked to stop
	 * @throws SessionClosedException if the connection ended
	 * @throws IOException if the stream was already finished
	 */
	void write(byte[] data, int offset, int length) throws IOException;

	/**
	 * Write all given bytes, blocking until flow control lets every byte be queued.
	 * @param data the bytes to write
	 * @throws IOException as {@link #write(byte[], int, int)}
	 */
	default void write(byte[] data) throws IOException {
		write(data, 0, data.length);
	}

	/**
	 * Write the remaining bytes of a buffer without blocking the caller; the future completes
	 * once every byte is queued, or exceptionally as {@link #write(byte[], int, int)} throws.
	 * The buffer is copied before this method returns.
	 * @param data the bytes to write
	 * @return a future that completes when the bytes are queued
	 */
	CompletableFuture<Void> writeAsync(ByteBuffer data);

	/**
	 * Finish this direction (FIN): the peer reads to the end, then sees end of stream. The
	 * other direction of a bidirectional stream stays open. Idempotent.
	 * @throws SessionClosedException if the connection ended first
	 */
	void finish() throws IOException;

	/**
	 * Abort this direction with RESET_STREAM: queued bytes not yet sent are discarded.
	 * Does nothing when the direction already finished or was reset.
	 * @param errorCode the application error code, from 0 to 2<sup>62</sup>-1
	 */
	void reset(long errorCode);

	/**
	 * Return a future that completes when this direction ends: normally after the FIN was
	 * sent, exceptionally with {@link StreamResetException} after a reset either way.
	 * @return the completion future
	 */
	CompletableFuture<Void> sendClosed();

	/**
	 * Return an {@link OutputStream} view: {@code write} as {@link #write(byte[], int, int)},
	 * {@code close} as {@link #finish()}, {@code flush} does nothing since bytes are queued for
	 * sending as soon as they are written.
	 * @return the output stream view
	 */
	OutputStream outputStream();

}
