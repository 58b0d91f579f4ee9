package dev.wtfallback.web.sse;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@link SseTransport} that parses what is written, can refuse writes like a stuck socket, and
 * can fail like a reset connection. Completing it reports completion back as a container does.
 */
final class InMemorySseTransport implements SseTransport {

	private final List<SseEvent> events = new CopyOnWriteArrayList<>();

	private final List<String> comments = new CopyOnWriteArrayList<>();

	private final EventStreamParser parser = new EventStreamParser(this.events::add, this.comments::add);

	private volatile SseClient client;

	private volatile boolean ready = true;

	private volatile boolean failWrites;

	private volatile boolean completed;

	@Override
	public void start(SseClient client) {
		this.client = client;
		client.writePossible();
	}

	@Override
	public boolean isReady() {
		return this.ready;
	}

	@Override
	public synchronized void write(byte[] bytes) throws IOException {
		if (this.failWrites) {
			throw new IOException("Connection reset by peer");
		}
		this.parser.feed(bytes);
	}

	@Override
	public void flush() {
	}

	@Override
	public void complete() {
		this.completed = true;
		this.client.transportCompleted();
	}

	void stall() {
		this.ready = false;
	}

	void resume() {
		this.ready = true;
		this.client.writePossible();
	}

	void failWrites() {
		this.failWrites = true;
	}

	void reset() {
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
