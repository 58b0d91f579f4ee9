package dev.wtfallback.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.wtfallback.core.qmux.QmuxSession;
import dev.wtfallback.core.qmux.RecordTransport;

/**
 * The client side of the SSE+POST transport under a client-role {@link QmuxSession}: records
 * from the event stream go to the session; records the session sends are queued and POSTed by
 * one sender thread, as many as fit 64 KiB per POST, with sequence numbers 0, 1, 2 and so on.
 * A POST that fails on the network is retried with the same body and sequence number.
 *
 * <p>Threading: {@code lock} guards the queue; the session's writer blocks in {@link #send}
 * while 1 MiB is queued. The reader thread delivers records one at a time, in order.
 */
public final class SseClientTransport implements RecordTransport {

	private static final int BATCH_BYTES = 64 * 1024;

	private static final int QUEUE_LIMIT = 1024 * 1024;

	private static final int ATTEMPTS = 3;

	private final SseSessionTestClient client;

	private final String postPath;

	private final EventStream stream;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition changed = this.lock.newCondition();

	private final ArrayDeque<byte[]> queue = new ArrayDeque<>();

	private final List<Post> posts = new CopyOnWriteArrayList<>();

	private long queuedBytes;

	private boolean closing;

	private volatile QmuxSession session;

	SseClientTransport(SseSessionTestClient client, String postPath, EventStream stream) {
		this.client = client;
		this.postPath = postPath;
		this.stream = stream;
	}

	void start(QmuxSession session) {
		this.session = session;
		startThread("sse-client-reader", this::read);
		startThread("sse-client-sender", this::sendQueued);
	}

	private static void startThread(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		thread.start();
	}

	/**
	 * Return the QMux session.
	 * @return the client-role session
	 */
	public QmuxSession session() {
		return this.session;
	}

	/**
	 * Return the path POSTs go to.
	 * @return the path the session event named
	 */
	public String postPath() {
		return this.postPath;
	}

	/**
	 * Return the POSTs the server accepted so far.
	 * @return the accepted POSTs, in order
	 */
	public List<Post> posts() {
		return List.copyOf(this.posts);
	}

	/**
	 * Close the event stream without any close frame, as a client that goes away does.
	 */
	public void abortStream() {
		this.stream.close();
	}

	@Override
	public void send(ByteBuffer record) throws IOException {
		byte[] body = SseSessionTestClient.body(record);
		this.lock.lock();
		try {
			while (this.queuedBytes >= QUEUE_LIMIT && !this.closing) {
				this.changed.awaitUninterruptibly();
			}
			if (this.closing) {
				throw new IOException("transport is closed");
			}
			this.queue.add(body);
			this.queuedBytes += body.length;
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public void close(int statusCode, String reason) {
		this.lock.lock();
		try {
			this.closing = true;
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	private void sendQueued() {
		byte[] body = nextBatch();
		while (body != null && post(body)) {
			body = nextBatch();
		}
		this.stream.close();
	}

	private byte[] nextBatch() {
		this.lock.lock();
		try {
			while (this.queue.isEmpty() && !this.closing) {
				this.changed.awaitUninterruptibly();
			}
			if (this.queue.isEmpty()) {
				return null;
			}
			ByteArrayOutputStream batch = new ByteArrayOutputStream();
			while (!this.queue.isEmpty()
					&& (batch.size() == 0 || batch.size() + this.queue.peek().length <= BATCH_BYTES)) {
				byte[] next = this.queue.poll();
				this.queuedBytes -= next.length;
				batch.writeBytes(next);
			}
			this.changed.signalAll();
			return batch.toByteArray();
		}
		finally {
			this.lock.unlock();
		}
	}

	private boolean post(byte[] body) {
		long sequence = this.posts.size();
		IOException failure = null;
		for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
			try {
				HttpResponse<String> response = this.client.post(this.postPath, sequence, body);
				if (response.statusCode() == 204) {
					this.posts.add(new Post(sequence, body));
					return true;
				}
				this.session.onTransportError(new IOException("POST " + sequence + " answered "
						+ response.statusCode() + ": " + response.body()));
				return false;
			}
			catch (IOException ex) {
				failure = ex;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		this.session.onTransportError(failure);
		return false;
	}

	private void read() {
		try {
			for (ServerSentEvent event = this.stream.take(); event != null; event = this.stream.take()) {
				if (event.name().equals("close")) {
					Map<String, Object> close = event.json();
					int code = ((Number) close.get("code")).intValue();
					this.session.onTransportClosed(code, (String) close.get("reason"));
				}
				else if (event.name().equals("message")) {
					this.session.onRecord(event.record());
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.session.onTransportClosed(1006, "event stream ended");
		close(1006, "");
	}

	/**
	 * A POST the server accepted.
	 *
	 * @param sequence its sequence number
	 * @param body its body
	 */
	public record Post(long sequence, byte[] body) {

	}

}
