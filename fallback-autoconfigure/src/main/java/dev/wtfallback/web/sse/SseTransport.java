package dev.wtfallback.web.sse;

import java.io.IOException;

/**
 * The response under one client's stream, written with blocking writes.
 *
 * <p>The client calls {@link #send(byte[])} and {@link #complete()} from its drain, one call
 * at a time, and only after the transport called {@link SseClient#transportReady()}. The
 * transport reports the end of the response to {@link SseClient#transportCompleted()},
 * {@link SseClient#transportFailed(Throwable)} or {@link SseClient#transportTimedOut()}, on
 * any thread and possibly while a send blocks.
 */
interface SseTransport {

	/**
	 * Connect the transport's callbacks to its client. The transport calls
	 * {@link SseClient#transportReady()} once the first send may happen.
	 * @param client the client this transport carries
	 */
	void start(SseClient client);

	/**
	 * Write and flush text that is already framed as event-stream fields. Blocks while the
	 * connection does not take more bytes.
	 * @param bytes the UTF-8 bytes
	 * @throws IOException if the connection failed
	 */
	void send(byte[] bytes) throws IOException;

	/**
	 * End the response; what was sent is still delivered.
	 */
	void complete();

}
