package dev.wtfallback.web.sse;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The {@code id:} of every event: the client's id and the hub position, as
 * {@code <clientId>:<position>}.
 *
 * <p>Carrying the client id lets a browser's automatic reconnect, which sends the last id in
 * the {@code Last-Event-ID} header, resume the same identity.
 *
 * @param clientId the client's id
 * @param position the hub-wide position of the event, or of the stream's start for control
 * events
 */
record SseEventId(String clientId, long position) {

	private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9_-]{22}");

	/**
	 * Parse a {@code Last-Event-ID} value.
	 * @param value the header value, possibly {@code null}
	 * @return the id, or {@code null} if the value is absent or not one this hub wrote
	 */
	static @Nullable SseEventId parse(@Nullable String value) {
		if (value == null) {
			return null;
		}
		int colon = value.lastIndexOf(':');
		if (colon < 0 || !CLIENT_ID.matcher(value.substring(0, colon)).matches()) {
			return null;
		}
		String digits = value.substring(colon + 1);
		if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch((c) -> c >= '0' && c <= '9')) {
			return null;
		}
		return new SseEventId(value.substring(0, colon), Long.parseLong(digits));
	}

	/**
	 * Whether the text has the form of a client id.
	 * @param clientId the text
	 * @return {@code true} for 22 URL-safe base64 characters
	 */
	static boolean isWellFormedClientId(String clientId) {
		return CLIENT_ID.matcher(clientId).matches();
	}

	@Override
	public String toString() {
		return this.clientId + ":" + this.position;
	}

}
