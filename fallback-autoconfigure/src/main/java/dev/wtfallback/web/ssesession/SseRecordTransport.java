package dev.wtfallback.web.ssesession;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import dev.wtfallback.core.qmux.RecordTransport;

import org.springframework.core.log.LogMessage;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter.DataWithMediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@link RecordTransport} that writes each record as one event of an {@link SseEmitter}:
 * numbered from 0, its data the record in standard base64. Closing writes a {@code close}
 * event and completes the emitter.
 *
 * <p>Threading: {@code sendLock} serializes every write. The session's writer thread blocks in
 * {@link #send(ByteBuffer)} while the container writes, which is the transport's back
 * pressure. Heartbeats never wait for the lock: a busy writer already shows the stream alive.
 * Once the stream finished, because this side closed it or the container ended it, nothing more
 * is written.
 */
final class SseRecordTransport implements RecordTransport {

	private static final MediaType TEXT = new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8);

	/** How long a close waits for a write in progress before it completes the stream anyway. */
	private static final long CLOSE_WAIT_MILLIS = 1000;

	private final String id;

	private final SseEmitter emitter;

	private final CloseListener listener;

	private final ReentrantLock sendLock = new ReentrantLock();

	private final AtomicBoolean finished = new AtomicBoolean();

	/** Id of the next record event; guarded by {@code sendLock}. */
	private long nextEventId;

	private volatile long lastWriteNanos = System.nanoTime();

	/**
	 * Create a transport.
	 * @param id the session id for logs
	 * @param emitter the emitter of the session's event stream
	 * @param listener told once when this side closes the stream, after the close event
	 */
	SseRecordTransport(String id, SseEmitter emitter, CloseListener listener) {
		this.id = id;
		this.emitter = emitter;
		this.listener = listener;
	}

	/**
	 * Write the {@code session} event, which must come first.
	 */
	void sendSessionEvent(String sessionId, String protocol, String postPath) throws IOException {
		this.sendLock.lock();
		try {
			write(SseEventFormat.session(sessionId, protocol, postPath));
		}
		finally {
			this.sendLock.unlock();
		}
	}

	@Override
	public void send(ByteBuffer record) throws IOException {
		this.sendLock.lock();
		try {
			if (this.finished.get()) {
				throw new IOException(this.id + ": the event stream has ended");
			}
			write(SseEventFormat.record(this.nextEventId, record));
			this.nextEventId++;
		}
		finally {
			this.sendLock.unlock();
		}
	}

	/**
	 * Write a comment line when nothing was written for the given interval and no write is in
	 * progress. Called from a runtime thread.
	 * @param intervalNanos the heartbeat interval
	 * @throws IOException if the write failed, the client being gone
	 */
	void heartbeat(long intervalNanos) throws IOException {
		if (this.finished.get() || System.nanoTime() - this.lastWriteNanos < intervalNanos
				|| !this.sendLock.tryLock()) {
			return;
		}
		try {
			if (!this.finished.get()) {
				write(SseEventFormat.HEARTBEAT);
			}
		}
		finally {
			this.sendLock.unlock();
		}
	}

	/**
	 * Write the {@code close} event and complete the stream, then tell the listener. Does
	 * nothing once the stream finished.
	 * @param statusCode a WebSocket-style status code, sent as the event's {@code code}
	 * @param reason the reason; when empty, a description of the status code is sent
	 */
	@Override
	public void close(int statusCode, String reason) {
		if (!this.finished.compareAndSet(false, true)) {
			return;
		}
		String text = (reason != null && !reason.isEmpty()) ? reason : describe(statusCode);
		writeCloseEvent(statusCode, text);
		this.emitter.complete();
		this.listener.closed(statusCode, text);
	}

	/**
	 * Record that the container ended the stream: the response may no longer be written.
	 */
	void streamEnded() {
		this.finished.set(true);
	}

	private void writeCloseEvent(int statusCode, String reason) {
		try {
			if (this.sendLock.tryLock(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
				try {
					write(SseEventFormat.close(statusCode, reason));
				}
				finally {
					this.sendLock.unlock();
				}
			}
		}
		catch (IOException ex) {
			SseSessionLogging.DISCONNECTS.debug(LogMessage.format("[%s] Close event not delivered: %s", this.id, ex));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void write(String event) throws IOException {
		try {
			this.emitter.send(Set.of(new DataWithMediaType(event, TEXT)));
			this.lastWriteNanos = System.nanoTime();
		}
		catch (IllegalStateException ex) {
			// The emitter refuses writes once the container completed the request.
			throw new IOException(this.id + ": the event stream has ended", ex);
		}
	}

	private static String describe(int statusCode) {
		return switch (statusCode) {
			case 1000 -> "session closed";
			case 1001 -> "going away";
			case 1002 -> "protocol error";
			default -> "session failed";
		};
	}

	/**
	 * Told when this side closed the stream.
	 */
	@FunctionalInterface
	interface CloseListener {

		/**
		 * Called once, after the close event was written or given up on.
		 * @param statusCode the status code of the close event
		 * @param reason the reason of the close event
		 */
		void closed(int statusCode, String reason);

	}

}
