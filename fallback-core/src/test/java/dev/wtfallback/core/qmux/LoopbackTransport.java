package dev.wtfallback.core.qmux;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Test transport that hands each record to a peer session on a thread of its own, in order,
 * the way a WebSocket would deliver messages.
 */
final class LoopbackTransport implements RecordTransport {

	private final ExecutorService delivery = Executors.newSingleThreadExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "loopback-delivery");
		thread.setDaemon(true);
		return thread;
	});

	private final AtomicBoolean closed = new AtomicBoolean();

	private final CompletableFuture<QmuxSession> peer = new CompletableFuture<>();

	void connect(QmuxSession peer) {
		this.peer.complete(peer);
	}

	@Override
	public void send(ByteBuffer record) {
		ByteBuffer copy = ByteBuffer.allocate(record.remaining()).put(record).flip();
		this.delivery.execute(() -> this.peer.join().onRecord(copy));
	}

	@Override
	public void close(int statusCode, String reason) {
		if (this.closed.compareAndSet(false, true)) {
			this.delivery.execute(() -> this.peer.join().onTransportClosed(statusCode, reason));
			this.delivery.shutdown();
		}
	}

	boolean isClosed() {
		return this.closed.get();
	}

}
