package dev.wtfallback.core;

import org.junit.jupiter.api.Test;

import dev.wtfallback.core.SkippedTransport.Reason;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SkippedTransport}.
 */
class SkippedTransportTests {

	@Test
	void reportIsReadInTheClientsOrder() {
		assertThat(SkippedTransport.parse("webtransport-unsupported,websocket-timeout")).containsExactly(
				new SkippedTransport(Transport.WEBTRANSPORT, Reason.UNSUPPORTED),
				new SkippedTransport(Transport.WEBSOCKET, Reason.TIMEOUT));
	}

	@Test
	void unknownReasonsBecomeOtherAndUnknownTransportsAreLeftOut() {
		assertThat(SkippedTransport.parse("websocket-blocked-by-proxy,carrier-pigeon-lost,websocket-not-configured"))
			.containsExactly(new SkippedTransport(Transport.WEBSOCKET, Reason.OTHER),
					new SkippedTransport(Transport.WEBSOCKET, Reason.NOT_CONFIGURED));
	}

	@Test
	void missingOrMalformedReportsYieldNothing() {
		assertThat(SkippedTransport.parse(null)).isEmpty();
		assertThat(SkippedTransport.parse("")).isEmpty();
		assertThat(SkippedTransport.parse("websocket")).isEmpty();
	}

	@Test
	void aLongReportIsCutToAFewEntries() {
		assertThat(SkippedTransport.parse("websocket-error,".repeat(50))).hasSize(4);
	}

}
