package dev.wtfallback.core.qmux;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RecordAssembler}.
 */
class RecordAssemblerTests {

	private final RecordAssembler assembler = new RecordAssembler(4);

	@Test
	void wholeMessageIsPassedOnAsItIs() {
		ByteBuffer message = ByteBuffer.wrap(new byte[] { 1, 2 });

		assertThat(this.assembler.append(message, true)).isSameAs(message);
	}

	@Test
	void fragmentsAreJoinedIntoOneRecord() {
		assertThat(this.assembler.append(ByteBuffer.wrap(new byte[] { 1 }), false)).isNull();

		ByteBuffer record = this.assembler.append(ByteBuffer.wrap(new byte[] { 2, 3 }), true);

		assertThat(bytes(record)).containsExactly(1, 2, 3);
	}

	@Test
	void oversizedMessageIsCutOneBytePastTheLimitAndItsRestSkipped() {
		ByteBuffer record = this.assembler.append(ByteBuffer.wrap(new byte[] { 1, 2, 3 }), false);
		assertThat(record).isNull();
		record = this.assembler.append(ByteBuffer.wrap(new byte[] { 4, 5, 6 }), false);

		assertThat(bytes(record)).containsExactly(1, 2, 3, 4, 5);
		assertThat(this.assembler.append(ByteBuffer.wrap(new byte[] { 7 }), true)).isNull();
		assertThat(bytes(this.assembler.append(ByteBuffer.wrap(new byte[] { 8 }), true))).containsExactly(8);
	}

	private static byte[] bytes(ByteBuffer buffer) {
		byte[] bytes = new byte[buffer.remaining()];
		buffer.duplicate().get(bytes);
		return bytes;
	}

}
