package dev.wtfallback.sample;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.wtfallback.web.sse.SseHub;

/**
 * A chat over Server-Sent Events: {@code POST /chat} with {@code {"text": "..."}} broadcasts
 * a {@code chat} event with the same JSON to every client of the SSE hub.
 */
@RestController
class ChatController {

	static final int MAX_TEXT_LENGTH = 2000;

	private final SseHub hub;

	ChatController(SseHub hub) {
		this.hub = hub;
	}

	@PostMapping(path = "/chat", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Void> post(@RequestBody ChatMessage message) {
		String text = message.text();
		if (text == null || text.isBlank() || text.length() > MAX_TEXT_LENGTH) {
			return ResponseEntity.badRequest().build();
		}
		this.hub.broadcast("chat", new ChatMessage(text));
		return ResponseEntity.accepted().build();
	}

	/**
	 * One chat message.
	 *
	 * @param text the message text
	 */
	record ChatMessage(String text) {
	}

}
