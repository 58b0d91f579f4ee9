package dev.wtfallback.web.ssesession;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The text of the events this transport writes, byte for byte as the protocol document shows
 * them: {@code field: value} lines with one space after the colon, ended by a blank line.
 *
 * <p>Spring's {@code SseEventBuilder} writes {@code field:value} without the space; both read
 * the same to a conforming parser, but clients written against the documented form may match
 * the space, so the events are formatted here. JSON payloads escape everything outside
 * printable ASCII, which keeps every event plain ASCII whatever the response charset.
 */
final class SseEventFormat {

	/** Comment line that keeps an idle stream and the proxies on its way alive. */
	static final String HEARTBEAT = ": hb\n\n";

	private SseEventFormat() {
	}

	/**
	 * Return the first event of a stream, which tells the client where to POST.
	 */
	static String session(String sessionId, String protocol, String postPath) {
		return "event: session\ndata: {\"id\":" + json(sessionId) + ",\"protocol\":" + json(protocol) + ",\"post\":"
				+ json(postPath) + "}\n\n";
	}

	/**
	 * Return the event that carries one record, its bytes read from position to limit without
	 * moving them.
	 */
	static String record(long eventId, ByteBuffer record) {
		ByteBuffer encoded = Base64.getEncoder().encode(record.duplicate());
		return "id: " + eventId + "\ndata: " + StandardCharsets.US_ASCII.decode(encoded) + "\n\n";
	}

	/**
	 * Return the last event of a stream.
	 */
	static String close(int code, String reason) {
		return "event: close\ndata: {\"code\":" + code + ",\"reason\":" + json(reason) + "}\n\n";
	}

	static String json(String value) {
		StringBuilder json = new StringBuilder(value.length() + 2).append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == '"' || c == '\\') {
				json.append('\\').append(c);
			}
			else if (c < 0x20 || c > 0x7E) {
				json.append(String.format("\\u%04x", (int) c));
			}
			else {
				json.append(c);
			}
		}
		return json.append('"').toString();
	}

}
