package dev.wtfallback.core.qmux;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link TransportParameters}.
 */
class TransportParametersTests {

	@Test
	void settingsSurviveARoundTrip() {
		QmuxSettings settings = QmuxSettings.builder().maxIdleTimeout(Duration.ofSeconds(5)).initialMaxData(1234)
			.initialMaxStreamsUni(0).maxRecordSize(65536).build();
		TransportParameters parameters = TransportParameters.of(settings);
		ByteBuffer buffer = ByteBuffer.allocate(parameters.encodedSize());
		parameters.encode(buffer);

		TransportParameters decoded = TransportParameters.decode(buffer.flip());

		assertThat(decoded).isEqualTo(parameters);
		assertThat(decoded.maxIdleTimeout()).isEqualTo(5000);
		assertThat(decoded.initialMaxStreamsUni()).isZero();
	}

	@Test
	void absentParametersMeanZeroAndTheDefaultRecordSize() {
		TransportParameters decoded = TransportParameters.decode(ByteBuffer.allocate(0));

		assertThat(decoded.initialMaxData()).isZero();
		assertThat(decoded.maxRecordSize()).isEqualTo(QmuxSettings.MIN_RECORD_SIZE);
	}

	@Test
	void unknownParametersAreIgnored() {
		TransportParameters decoded = TransportParameters.decode(hex("2a" + "02" + "abcd" + "04" + "01" + "07"));

		assertThat(decoded.initialMaxData()).isEqualTo(7);
	}

	@Test
	void repeatedParameterIsRefused() {
		assertTransportParameterError(hex("04" + "01" + "07" + "04" + "01" + "08"), "repeated");
	}

	@Test
	void quicOnlyParameterIsRefused() {
		assertTransportParameterError(hex("00" + "00"), "not allowed");
		assertTransportParameterError(hex("0e" + "01" + "02"), "not allowed");
	}

	@Test
	void recordSizeBelowTheMinimumIsRefused() {
		assertTransportParameterError(hex("c571c59429cd0845" + "02" + "4000"), "below the minimum");
	}

	@Test
	void truncatedParameterIsRefused() {
		assertTransportParameterError(hex("04" + "04" + "07"), "truncated");
	}

	@Test
	void valueWithTrailingBytesIsRefused() {
		assertTransportParameterError(hex("04" + "02" + "0707"), "trailing");
	}

	private static void assertTransportParameterError(ByteBuffer input, String message) {
		assertThatExceptionOfType(QmuxProtocolException.class).isThrownBy(() -> TransportParameters.decode(input))
			.satisfies((ex) -> {
				assertThat(ex.getErrorCode()).isEqualTo(QmuxErrorCode.TRANSPORT_PARAMETER_ERROR);
				assertThat(ex.getMessage()).contains(message);
			});
	}

	private static ByteBuffer hex(String text) {
		return ByteBuffer.wrap(HexFormat.of().parseHex(text));
	}

}
