package dev.wtfallback.web.sse;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;

/**
 * {@link SseTransport} that parses what is sent, can block sends like a socket whose peer
 * stopped reading, and can fail like a reset connection. Completing it reports completion back
 * as a container does.
 */
final class InMemorySseTransport implements SseTransport {

	private final List<SseEvent> events = new CopyOnWriteArrayList<>();

	private final List<String> comments = new CopyOnWriteArrayList<>();

	private final EventStreamParser parser = new EventStreamParser(this.events::add, this.comments::add);

	private volatile SseClient client;

	private boolean stalled;

	private boolean failed;

	private int blockedSends;

	private volatile boolean completed;

	@Override
	public void start(SseClient client) {
		this.client = client;
		client.transportReady();
	}

	@Override
	public synchronized void send(byte[] bytes) throws IOException {
		this.blockedSends++;
		try {
			while (this.stalled && !this.failed) {
				wait();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while blocked", ex);
		}
		finally {
			this.blockedSends--;
		}
		if (this.failed) {
			throw new IOException("Connection reset by peer");
		}
		this.parser.feed(bytes);
	}

	@Override
	public void complete() {
		this.completed = true;
		this.client.transportCompleted();
	}

	/**
	 * Make sends block from now on, as when the peer stops reading.
	 */
	synchronized void stall() {
		this.stalled = true;
	}

	synchronized void resume() {
		this.stalled = false;
		notifyAll();
	}

	/**
	 * Wait until a send blocks on this stalled transport.
	 */
	void awaitBlockedSend() {
		await().atMost(Duration.ofSeconds(5)).until(this::hasBlockedSend);
	}

	private synchronized boolean hasBlockedSend() {
		return this.blockedSends > 0;
	}

	synchronized void failWrites() {
		this.failed = true;
		notifyAll();
	}

	void reset() {
		failWrites();
		this.client.transportFailed(new IOException("Connection reset by peer"));
	}

	List<SseEvent> events() {
		return List.copyOf(this.events);
	}

	List<String> comments() {
		return List.copyOf(this.comments);
	}

	String lastEventId() {
		return this.parser.lastEventId();
	}

	boolean isCompleted() {
		return this.completed;
	}

}
