package dev.wtfallback.web.sse;

import java.io.IOException;

/**
 * The connection under one client's stream, written without blocking.
 *
 * <p>The contract follows non-blocking servlet output: {@link #write(byte[])} and
 * {@link #flush()} may only be called after {@link #isReady()} returned {@code true}; when it
 * returns {@code false} the transport calls {@link SseClient#writePossible()} once writing can
 * go on. The client calls {@code isReady}, {@code write}, {@code flush} and {@code complete}
 * from one thread at a time.
 */
interface SseTransport {

	/**
	 * Connect the transport's callbacks to its client. The transport calls
	 * {@link SseClient#writePossible()} as soon as the first write may happen.
	 * @param client the client this transport carries
	 */
	void start(SseClient client);

	/**
	 * Whether a write may happen now.
	 * @return {@code true} if writing will not block
	 */
	boolean isReady();

	/**
	 * Write bytes.
	 * @param bytes the bytes
	 * @throws IOException if the connection failed
	 */
	void write(byte[] bytes) throws IOException;

	/**
	 * Push buffered bytes to the connection.
	 * @throws IOException if the connection failed
	 */
	void flush() throws IOException;

	/**
	 * End the response; buffered bytes are still sent.
	 */
	void complete();

}
