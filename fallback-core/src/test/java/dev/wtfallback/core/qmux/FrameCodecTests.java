package dev.wtfallback.core.qmux;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.wtfallback.core.qmux.Frame.CloseFrame;
import dev.wtfallback.core.qmux.Frame.DatagramFrame;
import dev.wtfallback.core.qmux.Frame.LimitFrame;
import dev.wtfallback.core.qmux.Frame.PingFrame;
import dev.wtfallback.core.qmux.Frame.ResetStreamFrame;
import dev.wtfallback.core.qmux.Frame.StopSendingFrame;
import dev.wtfallback.core.qmux.Frame.StreamFrame;
import dev.wtfallback.core.qmux.Frame.StreamLimitFrame;
import dev.wtfallback.core.qmux.Frame.TransportParametersFrame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link VarInts}, {@link Frame} encoding and {@link FrameDecoder}.
 */
class FrameCodecTests {

	private static final HexFormat hex = HexFormat.of();

	@Test
	void varIntsDecodeTheExamplesOfRfc9000() {
		assertThat(VarInts.read(bytes("c2197c5eff14e88c"))).isEqualTo(151_288_809_941_952_652L);
		assertThat(VarInts.read(bytes("9d7f3e7d"))).isEqualTo(494_878_333L);
		assertThat(VarInts.read(bytes("7bbd"))).isEqualTo(15_293L);
		assertThat(VarInts.read(bytes("25"))).isEqualTo(37L);
		assertThat(VarInts.read(bytes("4025"))).isEqualTo(37L);
	}

	@Test
	void varIntsEncodeInTheShortestForm() {
		assertThat(encode(151_288_809_941_952_652L)).isEqualTo("c2197c5eff14e88c");
		assertThat(encode(494_878_333L)).isEqualTo("9d7f3e7d");
		assertThat(encode(15_293L)).isEqualTo("7bbd");
		assertThat(encode(37L)).isEqualTo("25");
		assertThat(encode(63L)).isEqualTo("3f");
		assertThat(encode(64L)).isEqualTo("4040");
		assertThat(encode(VarInts.MAX_VALUE)).isEqualTo("ffffffffffffffff");
	}

	@Test
	void varIntsRefuseOutOfRangeValues() {
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> VarInts.size(-1));
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> VarInts.size(1L << 62));
	}

	@Test
	void truncatedVarIntIsAFrameEncodingError() {
		assertThatExceptionOfType(QmuxProtocolException.class).isThrownBy(() -> VarInts.read(bytes("c2197c")))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(QmuxErrorCode.FRAME_ENCODING_ERROR));
	}

	@Test
	void transportParametersFrameStartsWithItsEightByteType() {
		ByteBuffer encoded = new TransportParametersFrame(TransportParameters.of(QmuxSettings.defaults())).toBuffer();

		assertThat(hex.formatHex(encoded.array(), 0, 8)).isEqualTo("ff5153300d0a0d0a");
	}

	@Test
	void pingFramesUseTheirEightByteTypes() {
		assertThat(hex.formatHex(new PingFrame(false, 5).toBuffer().array())).isEqualTo("f48c67529ef8c7bd05");
		assertThat(hex.formatHex(new PingFrame(true, 5).toBuffer().array())).isEqualTo("f48c67529ef8c7be05");
	}

	@Test
	void streamFrameIsEncodedWithOffsetAndLength() {
		ByteBuffer encoded = new StreamFrame(4, 0, ByteBuffer.wrap(new byte[] { 'h', 'i' }), true).toBuffer();

		assertThat(hex.formatHex(encoded.array())).isEqualTo("0f0400026869");
	}

	@Test
	void everyFrameSurvivesARoundTrip() {
		List<Frame> frames = List.of(new StreamFrame(8, 70_000, ByteBuffer.wrap(new byte[] { 1, 2, 3 }), false),
				new ResetStreamFrame(2, 26, 1000), new StopSendingFrame(5, 7), new LimitFrame(Frame.MAX_DATA, 1 << 20),
				new StreamLimitFrame(Frame.MAX_STREAM_DATA, 4, 300_000), new LimitFrame(Frame.MAX_STREAMS_BIDI, 100),
				new LimitFrame(Frame.MAX_STREAMS_BIDI + 1, 101), new LimitFrame(Frame.DATA_BLOCKED, 9),
				new StreamLimitFrame(Frame.STREAM_DATA_BLOCKED, 4, 9), new LimitFrame(Frame.STREAMS_BLOCKED_BIDI, 3),
				new CloseFrame(true, 4242, 0, "bye"), new CloseFrame(false, 3, Frame.STREAM, "too much"),
				new DatagramFrame(ByteBuffer.wrap(new byte[] { 9, 8 })), new PingFrame(false, 1),
				new PingFrame(true, 1), new TransportParametersFrame(TransportParameters.of(QmuxSettings.defaults())));
		int size = frames.stream().mapToInt(Frame::encodedSize).sum();
		ByteBuffer record = ByteBuffer.allocate(size);
		frames.forEach((frame) -> frame.encode(record));

		List<Frame> decoded = FrameDecoder.decode(record.flip());

		assertThat(decoded).hasSize(frames.size());
		for (int i = 0; i < frames.size(); i++) {
			assertThat(decoded.get(i).toBuffer()).isEqualTo(frames.get(i).toBuffer());
		}
	}

	@Test
	void paddingIsSkipped() {
		List<Frame> decoded = FrameDecoder.decode(bytes("000000" + "1005"));

		assertThat(decoded).containsExactly(new LimitFrame(Frame.MAX_DATA, 5));
	}

	@Test
	void streamFrameWithoutLengthRunsToTheEndOfTheRecord() {
		List<Frame> decoded = FrameDecoder.decode(bytes("08" + "04" + "616263"));

		assertThat(decoded).singleElement().isInstanceOfSatisfying(StreamFrame.class, (frame) -> {
			assertThat(frame.offset()).isZero();
			assertThat(frame.data().remaining()).isEqualTo(3);
			assertThat(frame.fin()).isFalse();
		});
	}

	@Test
	void datagramWithoutLengthRunsToTheEndOfTheRecord() {
		List<Frame> decoded = FrameDecoder.decode(bytes("30" + "0102"));

		assertThat(decoded).singleElement()
			.isInstanceOfSatisfying(DatagramFrame.class, (frame) -> assertThat(frame.data().remaining()).isEqualTo(2));
	}

	@Test
	void unknownFrameTypeIsAFrameEncodingError() {
		assertThatExceptionOfType(QmuxProtocolException.class).isThrownBy(() -> FrameDecoder.decode(bytes("2a00")))
			.satisfies((ex) -> {
				assertThat(ex.getErrorCode()).isEqualTo(QmuxErrorCode.FRAME_ENCODING_ERROR);
				assertThat(ex.getMessage()).contains("0x2a");
			});
	}

	@Test
	void lengthBeyondTheRecordIsAFrameEncodingError() {
		assertThatExceptionOfType(QmuxProtocolException.class)
			.isThrownBy(() -> FrameDecoder.decode(bytes("0e" + "00" + "00" + "05" + "6869")))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(QmuxErrorCode.FRAME_ENCODING_ERROR));
	}

	@Test
	void closeReasonMustBeUtf8() {
		assertThatExceptionOfType(QmuxProtocolException.class)
			.isThrownBy(() -> FrameDecoder.decode(bytes("1d" + "00" + "01" + "ff")))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(QmuxErrorCode.FRAME_ENCODING_ERROR));
	}

	@Test
	void maxPayloadKeepsTheStreamFrameWithinItsBudget() {
		for (long budget : new long[] { 16382, 16384, 70, 100_000 }) {
			int payload = StreamFrame.maxPayload(budget, 4, 1 << 20);
			StreamFrame frame = new StreamFrame(4, 1 << 20, ByteBuffer.allocate(payload), false);

			assertThat(frame.encodedSize()).isLessThanOrEqualTo((int) budget);
			assertThat(new StreamFrame(4, 1 << 20, ByteBuffer.allocate(payload + 1), false).encodedSize())
				.isGreaterThan((int) budget);
		}
	}

	private static ByteBuffer bytes(String hexText) {
		return ByteBuffer.wrap(hex.parseHex(hexText));
	}

	private static String encode(long value) {
		ByteBuffer buffer = ByteBuffer.allocate(8);
		VarInts.write(buffer, value);
		return hex.formatHex(buffer.array(), 0, buffer.position());
	}

}
