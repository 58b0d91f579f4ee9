package dev.wtfallback.web.sse;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link SseDataEncoder} that writes values as JSON with a Jackson 3 {@link JsonMapper}.
 */
public final class JacksonSseDataEncoder implements SseDataEncoder {

	private final JsonMapper jsonMapper;

	/**
	 * Create an encoder that uses the given mapper, typically the application's own.
	 * @param jsonMapper the mapper to write values with
	 */
	public JacksonSseDataEncoder(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	@Override
	public String encode(@Nullable Object data) {
		try {
			return this.jsonMapper.writeValueAsString(data);
		}
		catch (JacksonException ex) {
			String type = (data != null) ? data.getClass().getName() : "null";
			throw new IllegalArgumentException("Cannot write event data of type " + type + " as JSON", ex);
		}
	}

}
