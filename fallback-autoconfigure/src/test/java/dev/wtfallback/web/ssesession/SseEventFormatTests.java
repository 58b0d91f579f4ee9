package dev.wtfallback.web.ssesession;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SseEventFormat}.
 */
class SseEventFormatTests {

	@Test
	void sessionEventNamesTheSessionProtocolAndPostPath() {
		assertThat(SseEventFormat.session("abc", "qmux-02.echo", "/wt-sse/abc")).isEqualTo(
				"event: session\ndata: {\"id\":\"abc\",\"protocol\":\"qmux-02.echo\",\"post\":\"/wt-sse/abc\"}\n\n");
	}

	@Test
	void recordEventCarriesItsIdAndStandardBase64WithoutMovingTheBuffer() {
		ByteBuffer record = ByteBuffer.wrap(new byte[] { (byte) 0xfb, (byte) 0xff, 0x00 });

		String event = SseEventFormat.record(7, record);

		assertThat(event).isEqualTo("id: 7\ndata: +/8A\n\n");
		assertThat(record.remaining()).isEqualTo(3);
	}

	@Test
	void closeEventEscapesTheReasonToAscii() {
		assertThat(SseEventFormat.close(1002, "bad \"frame\"\n\u00e9")).isEqualTo(
				"event: close\ndata: {\"code\":1002,\"reason\":\"bad \\\"frame\\\"\\u000a\\u00e9\"}\n\n");
	}

}
