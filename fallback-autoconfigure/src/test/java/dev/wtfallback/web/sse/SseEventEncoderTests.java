package dev.wtfallback.web.sse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link SseEventEncoder}.
 */
class SseEventEncoderTests {

	@Test
	void everyKindOfLineBreakStartsANewDataLine() {
		String text = text(SseEventEncoder.encode("e", "a\r\nb\rc\nd"));

		assertThat(text).isEqualTo("event: e\ndata: a\ndata: b\ndata: c\ndata: d\n\n");
	}

	@Test
	void injectedFieldsStayInsideData() {
		String text = text(SseEventEncoder.encode(null, "x\n\nevent: evil\ndata: y"));

		assertThat(text).isEqualTo("data: x\ndata:\ndata: event: evil\ndata: data: y\n\n");
	}

	@Test
	void emptyAndTrailingLinesAreKept() {
		assertThat(text(SseEventEncoder.encode(null, ""))).isEqualTo("data:\n\n");
		assertThat(text(SseEventEncoder.encode(null, "a\n"))).isEqualTo("data: a\ndata:\n\n");
	}

	@Test
	void leadingSpaceOfDataSurvivesTheParser() {
		assertThat(text(SseEventEncoder.encode(null, " indented"))).isEqualTo("data:  indented\n\n");
	}

	@Test
	void eventNamesWithLineBreaksAreRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> SseEventEncoder.encode("a\nb", "x"))
			.withMessageContaining("CR or LF");
		assertThatIllegalArgumentException().isThrownBy(() -> SseEventEncoder.encode("a\rb", "x"));
	}

	@Test
	void textIsEncodedAsUtf8() {
		byte[] bytes = SseEventEncoder.encode(null, "héllo 🌍 日本");

		assertThat(bytes).isEqualTo("data: héllo 🌍 日本\n\n".getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void retryIsWrittenInMilliseconds() {
		String text = text(SseEventEncoder.encode(Duration.ofSeconds(2), "connected", "{}"));

		assertThat(text).isEqualTo("retry: 2000\nevent: connected\ndata: {}\n\n");
	}

	@Test
	void framesStartWithTheClientsEventId() {
		SseFrame frame = new SseFrame(42, SseEventEncoder.encode(null, "x"), true);

		assertThat(text(frame.bytesFor("abc"))).isEqualTo("id: abc:42\ndata: x\n\n");
		assertThat(text(SseFrame.HEARTBEAT.bytesFor("abc"))).isEqualTo(": heartbeat\n");
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
