package dev.wtfallback.web.sse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Writes event-stream text: the field lines of one event, comments and the retry field.
 *
 * <p>Data is split at every line break ({@code CRLF}, {@code CR} or {@code LF}) into one
 * {@code data:} line per line, which a receiving parser joins with {@code LF}; a payload can
 * therefore never end an event early or start a new field. Event names may not contain line
 * breaks. Everything is encoded as UTF-8, the only encoding the format allows.
 */
final class SseEventEncoder {

	static final byte[] HEARTBEAT = ": heartbeat\n".getBytes(StandardCharsets.UTF_8);

	private SseEventEncoder() {
	}

	/**
	 * Check that an event name can be written as one {@code event:} line.
	 * @param event the name, {@code null} or empty for the default {@code message} type
	 * @throws IllegalArgumentException if the name contains CR or LF
	 */
	static void validateEventName(@Nullable String event) {
		if (event != null && (event.indexOf('\n') >= 0 || event.indexOf('\r') >= 0)) {
			throw new IllegalArgumentException("SSE event name must not contain CR or LF: '"
					+ event.replace("\r", "\\r").replace("\n", "\\n") + "'");
		}
	}

	/**
	 * Encode an event without its {@code id:} line, which each client's stream adds.
	 * @param event the event name, {@code null} or empty for the default {@code message} type
	 * @param data the data text, split into {@code data:} lines
	 * @return the UTF-8 bytes of the event, ending with the blank line that dispatches it
	 */
	static byte[] encode(@Nullable String event, String data) {
		return encode(null, event, data);
	}

	/**
	 * Encode an event that also advertises a reconnection delay.
	 * @param retry the delay for the {@code retry:} field, or {@code null} for none
	 * @param event the event name, {@code null} or empty for the default {@code message} type
	 * @param data the data text, split into {@code data:} lines
	 * @return the UTF-8 bytes of the event
	 */
	static byte[] encode(@Nullable Duration retry, @Nullable String event, String data) {
		validateEventName(event);
		StringBuilder text = new StringBuilder(data.length() + 32);
		if (retry != null) {
			text.append("retry: ").append(retry.toMillis()).append('\n');
		}
		if (event != null && !event.isEmpty()) {
			text.append("event: ").append(event).append('\n');
		}
		appendData(text, data);
		return text.append('\n').toString().getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Encode a stream that consists of a {@code retry:} field alone.
	 * @param retry the reconnection delay
	 * @return the UTF-8 bytes
	 */
	static byte[] retryOnly(Duration retry) {
		return ("retry: " + retry.toMillis() + "\n\n").getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Encode an {@code id:} line.
	 * @param id the id, free of CR, LF and NUL
	 * @return the UTF-8 bytes of the line
	 */
	static byte[] idLine(String id) {
		return ("id: " + id + "\n").getBytes(StandardCharsets.UTF_8);
	}

	private static void appendData(StringBuilder text, String data) {
		int start = 0;
		int length = data.length();
		for (int i = 0; i < length; i++) {
			char c = data.charAt(i);
			if (c == '\r' || c == '\n') {
				appendDataLine(text, data, start, i);
				if (c == '\r' && i + 1 < length && data.charAt(i + 1) == '\n') {
					i++;
				}
				start = i + 1;
			}
		}
		appendDataLine(text, data, start, length);
	}

	private static void appendDataLine(StringBuilder text, String data, int start, int end) {
		text.append("data:");
		if (end > start) {
			text.append(' ').append(data, start, end);
		}
		text.append('\n');
	}

}
