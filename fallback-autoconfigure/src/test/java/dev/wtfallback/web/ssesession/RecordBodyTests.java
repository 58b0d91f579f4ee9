package dev.wtfallback.web.ssesession;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RecordBody}.
 */
class RecordBodyTests {

	@Test
	void recordsAreSplitAtTheirLengthPrefixes() {
		byte[] body = { 2, 'a', 'b', 0, 0x40, 3, 'c', 'd', 'e' };

		RecordBody parsed = RecordBody.parse(body, 16382);

		assertThat(parsed.violation()).isNull();
		assertThat(parsed.records()).extracting(RecordBodyTests::text).containsExactly("ab", "", "cde");
	}

	@Test
	void emptyBodyHoldsNoRecords() {
		RecordBody parsed = RecordBody.parse(new byte[0], 16382);

		assertThat(parsed.records()).isEmpty();
		assertThat(parsed.violation()).isNull();
	}

	@Test
	void recordRunningPastTheBodyEndsTheSplit() {
		byte[] body = { 1, 'a', 5, 'b', 'c' };

		RecordBody parsed = RecordBody.parse(body, 16382);

		assertThat(parsed.records()).extracting(RecordBodyTests::text).containsExactly("a");
		assertThat(parsed.violation()).isEqualTo("the record at byte 2 declares 5 bytes, but only 2 follow");
	}

	@Test
	void truncatedLengthPrefixEndsTheSplit() {
		byte[] body = { 1, 'a', (byte) 0x80, 0 };

		RecordBody parsed = RecordBody.parse(body, 16382);

		assertThat(parsed.records()).hasSize(1);
		assertThat(parsed.violation()).isEqualTo("the length prefix at byte 2 is truncated");
	}

	@Test
	void recordOverTheLimitEndsTheSplitBeforeItsBytes() {
		byte[] body = { 0x40, 11, 'a' };

		RecordBody parsed = RecordBody.parse(body, 10);

		assertThat(parsed.records()).isEmpty();
		assertThat(parsed.violation())
			.isEqualTo("the record at byte 0 declares 11 bytes, more than max_record_size 10");
	}

	private static String text(ByteBuffer record) {
		byte[] bytes = new byte[record.remaining()];
		record.duplicate().get(bytes);
		return new String(bytes);
	}

}
