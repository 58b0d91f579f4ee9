package dev.wtfallback.web.sse;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Test-side parser of {@code text/event-stream} bytes following the WHATWG rules: lines end
 * with CRLF, CR or LF (also split across chunks); a leading BOM is dropped; lines starting with
 * a colon are comments; fields are {@code event}, {@code data}, {@code id} (ignored if it
 * contains NUL) and {@code retry} (digits only); one space after the colon is dropped; data
 * lines are joined with LF; a blank line dispatches the event unless no data was seen; the
 * last event id persists across events.
 */
final class EventStreamParser {

	private final Consumer<SseEvent> events;

	private final Consumer<String> comments;

	private final ByteArrayOutputStream line = new ByteArrayOutputStream();

	private boolean afterCarriageReturn;

	private boolean started;

	private StringBuilder data = new StringBuilder();

	private String eventType = "";

	private String lastEventIdBuffer = "";

	private volatile String lastEventId = "";

	private volatile long retry = -1;

	EventStreamParser(Consumer<SseEvent> events, Consumer<String> comments) {
		this.events = events;
		this.comments = comments;
	}

	String lastEventId() {
		return this.lastEventId;
	}

	long retry() {
		return this.retry;
	}

	void feed(byte[] bytes) {
		for (byte b : bytes) {
			if (this.afterCarriageReturn && b == '\n') {
				this.afterCarriageReturn = false;
				continue;
			}
			this.afterCarriageReturn = (b == '\r');
			if (b == '\r' || b == '\n') {
				endLine();
			}
			else {
				this.line.write(b);
			}
		}
	}

	private void endLine() {
		String text = this.line.toString(StandardCharsets.UTF_8);
		this.line.reset();
		if (!this.started) {
			this.started = true;
			if (text.startsWith("\uFEFF")) {
				text = text.substring(1);
			}
		}
		processLine(text);
	}

	private void processLine(String text) {
		if (text.isEmpty()) {
			dispatch();
			return;
		}
		if (text.startsWith(":")) {
			this.comments.accept(text.substring(1));
			return;
		}
		int colon = text.indexOf(':');
		String field = (colon < 0) ? text : text.substring(0, colon);
		String value = (colon < 0) ? "" : text.substring(colon + 1);
		if (value.startsWith(" ")) {
			value = value.substring(1);
		}
		processField(field, value);
	}

	private void processField(String field, String value) {
		switch (field) {
			case "event" -> this.eventType = value;
			case "data" -> this.data.append(value).append('\n');
			case "id" -> {
				if (value.indexOf('\0') < 0) {
					this.lastEventIdBuffer = value;
				}
			}
			case "retry" -> {
				if (!value.isEmpty() && value.chars().allMatch((c) -> c >= '0' && c <= '9')) {
					this.retry = Long.parseLong(value);
				}
			}
			default -> {
			}
		}
	}

	private void dispatch() {
		this.lastEventId = this.lastEventIdBuffer;
		if (this.data.isEmpty()) {
			this.eventType = "";
			return;
		}
		String value = this.data.substring(0, this.data.length() - 1);
		String type = this.eventType.isEmpty() ? "message" : this.eventType;
		this.data = new StringBuilder();
		this.eventType = "";
		this.events.accept(new SseEvent(type, value, this.lastEventId));
	}

}
