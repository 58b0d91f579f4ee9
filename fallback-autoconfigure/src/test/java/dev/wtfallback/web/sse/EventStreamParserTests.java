package dev.wtfallback.web.sse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the test-side {@link EventStreamParser}, so that wire tests can trust it.
 */
class EventStreamParserTests {

	private final List<SseEvent> events = new ArrayList<>();

	private final List<String> comments = new ArrayList<>();

	private final EventStreamParser parser = new EventStreamParser(this.events::add, this.comments::add);

	@Test
	void linesEndWithLfCrOrCrLf() {
		feed("data: a\r\n\r\ndata: b\r\rdata: c\n\n");

		assertThat(this.events).extracting(SseEvent::data).containsExactly("a", "b", "c");
	}

	@Test
	void crLfSplitAcrossChunksEndsOneLine() {
		feed("data: a\r");
		feed("\ndata: b\r");
		feed("\n\r\n");

		assertThat(this.events).containsExactly(new SseEvent("message", "a\nb", ""));
	}

	@Test
	void fieldsCommentsAndLastEventIdFollowTheRules() {
		feed("\uFEFF: hello\nretry: 250\nid: x:1\nevent: greet\ndata:one\ndata:  two\n\nid: bad\0\ndata: 3\n\n");

		assertThat(this.comments).containsExactly(" hello");
		assertThat(this.parser.retry()).isEqualTo(250);
		assertThat(this.events).containsExactly(new SseEvent("greet", "one\n two", "x:1"),
				new SseEvent("message", "3", "x:1"));
	}

	@Test
	void blankLineWithoutDataDispatchesNothingButUpdatesLastEventId() {
		feed("id: 7\nevent: ignored\n\ndata: x\n\n");

		assertThat(this.events).containsExactly(new SseEvent("message", "x", "7"));
	}

	private void feed(String text) {
		this.parser.feed(text.getBytes(StandardCharsets.UTF_8));
	}

}
