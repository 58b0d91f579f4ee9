package dev.wtfallback.web.sse;

/**
 * Writes the few small JSON texts the hub produces itself, without a JSON library.
 */
final class SseJson {

	private SseJson() {
	}

	/**
	 * Quote a string as a JSON string literal.
	 * @param value the string
	 * @return the literal, with quotes, backslashes and control characters escaped
	 */
	static String quote(String value) {
		StringBuilder json = new StringBuilder(value.length() + 2).append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '"' -> json.append("\\\"");
				case '\\' -> json.append("\\\\");
				case '\n' -> json.append("\\n");
				case '\r' -> json.append("\\r");
				case '\t' -> json.append("\\t");
				default -> {
					if (c < 0x20 || c == '\u2028' || c == '\u2029') {
						json.append(String.format("\\u%04x", (int) c));
					}
					else {
						json.append(c);
					}
				}
			}
		}
		return json.append('"').toString();
	}

	/**
	 * Write a flat JSON object of string members.
	 * @param namesAndValues alternating member names and values
	 * @return the JSON text
	 */
	static String object(String... namesAndValues) {
		StringBuilder json = new StringBuilder("{");
		for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
			json.append((i > 0) ? "," : "").append(quote(namesAndValues[i])).append(':');
			json.append(quote(namesAndValues[i + 1]));
		}
		return json.append('}').toString();
	}

}
