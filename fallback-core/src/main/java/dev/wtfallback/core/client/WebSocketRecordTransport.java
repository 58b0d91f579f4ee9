package dev.wtfallback.core.client;

import java.io.IOException;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.wtfallback.core.qmux.QmuxSession;
import dev.wtfallback.core.qmux.RecordAssembler;
import dev.wtfallback.core.qmux.RecordTransport;

/**
 * Carries QMux records over a {@link java.net.http.WebSocket}: one binary message per record
 * each way. Partial messages are joined before they reach the session; the next message is
 * requested only after the previous one was applied, which the session does without blocking.
 */
final class WebSocketRecordTransport implements RecordTransport, WebSocket.Listener {

	private final long sendTimeoutMillis;

	private final AtomicBoolean closing = new AtomicBoolean();

	private volatile WebSocket webSocket;

	private volatile QmuxSession session;

	private final RecordAssembler assembler;

	WebSocketRecordTransport(int maxRecordSize, long sendTimeoutMillis) {
		this.assembler = new RecordAssembler(maxRecordSize);
		this.sendTimeoutMillis = sendTimeoutMillis;
	}

	/**
	 * Bind the connected WebSocket, before the session that sends on it is created.
	 */
	void bind(WebSocket webSocket) {
		this.webSocket = webSocket;
	}

	/**
	 * Attach the session and start reading; until then no message is requested.
	 */
	void start(QmuxSession session) {
		this.session = session;
		this.webSocket.request(1);
	}

	@Override
	public void send(ByteBuffer record) throws IOException {
		try {
			this.webSocket.sendBinary(record, true).get(this.sendTimeoutMillis, TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw new IOException("WebSocket send failed", ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new IOException("WebSocket send did not complete within " + this.sendTimeoutMillis + " ms");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while sending", ex);
		}
	}

	@Override
	public void close(int statusCode, String reason) {
		WebSocket socket = this.webSocket;
		if (socket == null || !this.closing.compareAndSet(false, true)) {
			return;
		}
		int status = (statusCode >= 1000 && statusCode != 1005 && statusCode != 1006) ? statusCode : 1000;
		socket.sendClose(status, (reason != null) ? reason : "")
			.orTimeout(1, TimeUnit.SECONDS)
			.whenComplete((result, failure) -> socket.abort());
	}

	@Override
	public void onOpen(WebSocket webSocket) {
		// Reading starts in start(), once the session exists.
	}

	@Override
	public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
		ByteBuffer record = this.assembler.append(data, last);
		if (record != null) {
			this.session.onRecord(record);
		}
		webSocket.request(1);
		return null;
	}

	@Override
	public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
		this.session.onTextMessage();
		webSocket.request(1);
		return null;
	}

	@Override
	public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
		QmuxSession current = this.session;
		if (current != null) {
			current.onTransportClosed(statusCode, reason);
		}
		return null;
	}

	@Override
	public void onError(WebSocket webSocket, Throwable error) {
		QmuxSession current = this.session;
		if (current != null) {
			current.onTransportError(error);
		}
	}

}
