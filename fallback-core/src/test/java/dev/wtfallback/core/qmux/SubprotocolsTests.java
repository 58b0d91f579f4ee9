package dev.wtfallback.core.qmux;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Subprotocols}.
 */
class SubprotocolsTests {

	@Test
	void serverPreferenceWinsOverClientOrder() {
		assertThat(Subprotocols.select(List.of("qmux-01.chat", "qmux-02.chat"), List.of("chat"), false))
			.hasValue("qmux-02.chat");
	}

	@Test
	void applicationProtocolIsPreferredOverBareToken() {
		assertThat(Subprotocols.select(List.of("qmux-02", "qmux-01.chat"), List.of("chat"), false))
			.hasValue("qmux-01.chat");
	}

	@Test
	void bareTokenIsAcceptedUnlessAProtocolIsRequired() {
		List<String> offered = List.of("qmux-02", "qmux-01", "qmux-00", "webtransport");

		assertThat(Subprotocols.select(offered, List.of("chat"), false)).hasValue("qmux-02");
		assertThat(Subprotocols.select(offered, List.of("chat"), true)).isEmpty();
	}

	@Test
	void rawHeaderValuesAreSplitOnCommas() {
		assertThat(Subprotocols.select(List.of("webtransport, qmux-01"), List.of(), false)).hasValue("qmux-01");
	}

	@Test
	void unknownTokensAreRefused() {
		assertThat(Subprotocols.select(List.of("qmux-00", "webtransport", "chat"), List.of("chat"), false)).isEmpty();
	}

	@Test
	void negotiatedTokenYieldsVersionAndApplicationProtocol() {
		assertThat(Subprotocols.parse("qmux-02.moq-lite-04")).hasValueSatisfying((negotiated) -> {
			assertThat(negotiated.version()).isEqualTo(WireVersion.QMUX_02);
			assertThat(negotiated.applicationProtocol()).isEqualTo("moq-lite-04");
		});
		assertThat(Subprotocols.parse("qmux-01")).hasValueSatisfying(
				(negotiated) -> assertThat(negotiated.applicationProtocol()).isEmpty());
		assertThat(Subprotocols.parse("webtransport")).isEmpty();
		assertThat(Subprotocols.parse(null)).isEmpty();
	}

}
