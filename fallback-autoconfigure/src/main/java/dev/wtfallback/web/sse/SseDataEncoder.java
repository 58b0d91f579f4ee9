package dev.wtfallback.web.sse;

import org.jspecify.annotations.Nullable;

/**
 * Turns event data objects into text for the {@code data:} lines of an event.
 *
 * <p>The hub calls it for every value that is not a {@link CharSequence} or a {@code byte[]}
 * (those are sent as text and as base64 without asking the encoder), including {@code null}.
 * It runs on the thread that calls {@link SseHub#broadcast(String, Object)} and friends, and
 * must be thread-safe. The text may contain line breaks; the hub splits it into several
 * {@code data:} lines.
 */
@FunctionalInterface
public interface SseDataEncoder {

	/**
	 * Encode one value.
	 * @param data the value, possibly {@code null}
	 * @return its text form
	 * @throws IllegalArgumentException if the value cannot be encoded
	 */
	String encode(@Nullable Object data);

	/**
	 * An encoder for applications without a JSON library: numbers and booleans become their
	 * JSON text, {@code null} becomes {@code null}, anything else is rejected.
	 * @return the encoder
	 */
	static SseDataEncoder scalarsOnly() {
		return (data) -> {
			if (data == null || data instanceof Number || data instanceof Boolean) {
				return String.valueOf(data);
			}
			throw new IllegalArgumentException("Cannot encode event data of type " + data.getClass().getName()
					+ ": no JSON mapper is available; send a String or byte[], or define an SseDataEncoder bean");
		};
	}

}
