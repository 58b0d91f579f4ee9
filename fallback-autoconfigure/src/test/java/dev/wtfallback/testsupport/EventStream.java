package dev.wtfallback.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The answer to a {@code GET} of an event stream: status and headers, and for a 200 answer the
 * events as a background thread parses them. Lines end with LF, CRLF or CR; comment lines are
 * counted; one space after a field's colon is dropped; data lines are joined with LF.
 */
public final class EventStream implements AutoCloseable {

	/** Waiting time for one event. */
	static final long TIMEOUT_SECONDS = 5;

	private static final Object END = new Object();

	private final HttpResponse<InputStream> response;

	private final BlockingQueue<Object> items = new LinkedBlockingQueue<>();

	private final List<ServerSentEvent> seen = new ArrayList<>();

	private final AtomicInteger comments = new AtomicInteger();

	private final String errorBody;

	EventStream(HttpResponse<InputStream> response) throws IOException {
		this.response = response;
		if (response.statusCode() == 200) {
			this.errorBody = null;
			Thread reader = new Thread(this::read, "event-stream-reader");
			reader.setDaemon(true);
			reader.start();
		}
		else {
			try (InputStream body = response.body()) {
				this.errorBody = new String(body.readAllBytes(), StandardCharsets.UTF_8);
			}
		}
	}

	public int status() {
		return this.response.statusCode();
	}

	public HttpHeaders headers() {
		return this.response.headers();
	}

	/**
	 * Return the body of an answer other than 200.
	 * @return the body, or {@code null} for a 200 answer
	 */
	public String errorBody() {
		return this.errorBody;
	}

	/**
	 * Return how many comment lines arrived so far.
	 * @return the number of comments
	 */
	public int comments() {
		return this.comments.get();
	}

	/**
	 * Wait for the next event.
	 * @return the event
	 * @throws AssertionError if none arrived in time or the stream ended, naming what did arrive
	 */
	public ServerSentEvent next() throws InterruptedException {
		Object item = this.items.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		if (!(item instanceof ServerSentEvent event)) {
			throw new AssertionError(((item == END) ? "Stream ended" : "No event within " + TIMEOUT_SECONDS + " s")
					+ "; events so far: " + describeSeen());
		}
		synchronized (this.seen) {
			this.seen.add(event);
		}
		return event;
	}

	/**
	 * Wait for the next event of the given name, skipping others.
	 * @param name the event name
	 * @return the event
	 */
	public ServerSentEvent next(String name) throws InterruptedException {
		ServerSentEvent event = next();
		while (!event.name().equals(name)) {
			event = next();
		}
		return event;
	}

	/**
	 * Wait for the end of the stream, skipping events.
	 * @return whether the stream ended in time
	 */
	public boolean awaitEnd() throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
		Object item;
		do {
			item = this.items.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		while (item != null && item != END);
		return item == END;
	}

	/**
	 * Take the next event or the end of the stream, waiting without limit; for a reader that
	 * runs as long as the stream.
	 * @return the event, or {@code null} at the end of the stream
	 */
	ServerSentEvent take() throws InterruptedException {
		Object item = this.items.take();
		return (item instanceof ServerSentEvent event) ? event : null;
	}

	private String describeSeen() {
		synchronized (this.seen) {
			return this.seen.toString();
		}
	}

	/**
	 * Close the response body, which drops the connection as a browser leaving a page would.
	 */
	@Override
	public void close() {
		try {
			this.response.body().close();
		}
		catch (IOException ex) {
			// Closing a stream that already failed.
		}
	}

	private void read() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.response.body(), StandardCharsets.UTF_8))) {
			Builder event = new Builder();
			for (String line = reader.readLine(); line != null; line = reader.readLine()) {
				if (line.isEmpty()) {
					event.dispatch(this.items);
					event = new Builder();
				}
				else if (line.startsWith(":")) {
					this.comments.incrementAndGet();
				}
				else {
					event.field(line);
				}
			}
		}
		catch (IOException ex) {
			// The stream was closed or broke; either way it ended.
		}
		finally {
			this.items.add(END);
		}
	}

	/**
	 * The fields of the event being read.
	 */
	private static final class Builder {

		private String name = "message";

		private String id;

		private StringBuilder data;

		void field(String line) {
			int colon = line.indexOf(':');
			String field = (colon < 0) ? line : line.substring(0, colon);
			String value = (colon < 0) ? "" : line.substring(colon + 1);
			if (value.startsWith(" ")) {
				value = value.substring(1);
			}
			switch (field) {
				case "event" -> this.name = value;
				case "id" -> this.id = value;
				case "data" -> this.data = (this.data == null) ? new StringBuilder(value)
						: this.data.append('\n').append(value);
				default -> {
				}
			}
		}

		void dispatch(BlockingQueue<Object> items) {
			if (this.data != null) {
				items.add(new ServerSentEvent(this.name, this.id, this.data.toString()));
			}
		}

	}

}
