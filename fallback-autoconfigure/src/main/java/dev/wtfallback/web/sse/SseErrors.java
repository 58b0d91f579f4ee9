package dev.wtfallback.web.sse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletResponse;

/**
 * Writes the small JSON bodies of the hub's HTTP answers:
 * {@code {"error":"<code>","message":"<text>"}} for errors and {@code {"status":"<code>"}}
 * for success.
 */
final class SseErrors {

	private SseErrors() {
	}

	static void write(HttpServletResponse response, int status, String error, String message) throws IOException {
		writeJson(response, status, SseJson.object("error", error, "message", message));
	}

	static void writeJson(HttpServletResponse response, int status, String json) throws IOException {
		byte[] body = json.getBytes(StandardCharsets.UTF_8);
		response.setStatus(status);
		response.setContentType("application/json");
		response.setCharacterEncoding("UTF-8");
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
	}

}
