package dev.wtfallback.testsupport;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/**
 * One event of an event stream, as a client parsed it.
 *
 * @param name the event name, {@code message} when the event named none
 * @param id the event id, or {@code null}
 * @param data the data lines, joined with LF
 */
public record ServerSentEvent(String name, String id, String data) {

	private static final JsonMapper json = JsonMapper.builder().build();

	/**
	 * Read the data as a JSON object.
	 * @return the members
	 */
	@SuppressWarnings("unchecked")
	public Map<String, Object> json() {
		return json.readValue(this.data, Map.class);
	}

	/**
	 * Read the data as a base64 record.
	 * @return the record bytes
	 */
	public ByteBuffer record() {
		return ByteBuffer.wrap(Base64.getDecoder().decode(this.data));
	}

}
