package dev.wtfallback.autoconfigure.diagnostics;

import dev.wtfallback.autoconfigure.server.FallbackServerAutoConfiguration;
import dev.wtfallback.autoconfigure.websocket.WebSocketFallbackAutoConfiguration;
import dev.wtfallback.core.OnConnect;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that contradictory settings fail the start, and that
 * {@link ContradictorySettingsFailureAnalyzer} names the properties and the fix.
 */
class ContradictorySettingsFailureAnalyzerTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(FallbackServerAutoConfiguration.class, WebSocketFallbackAutoConfiguration.class))
		.withUserConfiguration(OnConnectConfiguration.class);

	@Test
	void defaultsStart() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void wildcardOriginWithCredentialsFails() {
		FailureAnalysis analysis = analyze("fallback.security.allowed-origins=https://app.example,*",
				"fallback.security.allow-credentials=true");

		assertThat(analysis.getDescription()).contains("fallback.security.allowed-origins contains \"*\" while "
				+ "fallback.security.allow-credentials is true");
		assertThat(analysis.getAction()).contains("List the origins that may connect in "
				+ "fallback.security.allowed-origins, or set fallback.security.allow-credentials to false");
	}

	@Test
	void wildcardOriginWithoutCredentialsStarts() {
		this.contextRunner.withPropertyValues("fallback.security.allowed-origins=*")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void connectionWindowSmallerThanOneRecordFails() {
		FailureAnalysis analysis = analyze("fallback.websocket.initial-max-data=8KB",
				"fallback.websocket.initial-max-stream-data=4KB");

		assertThat(analysis.getDescription()).contains("fallback.websocket.initial-max-data (8192B) is smaller than "
				+ "one record, fallback.websocket.max-record-size (16382B)");
		assertThat(analysis.getAction()).contains("Raise fallback.websocket.initial-max-data to at least 16382B, or "
				+ "lower fallback.websocket.max-record-size");
	}

	@Test
	void streamWindowLargerThanTheConnectionWindowFails() {
		FailureAnalysis analysis = analyze("fallback.websocket.initial-max-data=64KB",
				"fallback.websocket.initial-max-stream-data-uni=128KB");

		assertThat(analysis.getDescription()).contains("fallback.websocket.initial-max-stream-data-uni (131072B) is "
				+ "larger than fallback.websocket.initial-max-data (65536B)");
		assertThat(analysis.getDescription()).contains("fallback.websocket.initial-max-stream-data (262144B) is larger "
				+ "than fallback.websocket.initial-max-data");
		assertThat(analysis.getAction()).contains("Raise fallback.websocket.initial-max-data to at least 131072B, "
				+ "or lower fallback.websocket.initial-max-stream-data-uni");
	}

	@Test
	void datagramFrameLargerThanARecordFails() {
		FailureAnalysis analysis = analyze("fallback.websocket.max-datagram-frame-size=20000B");

		assertThat(analysis.getDescription()).contains("fallback.websocket.max-datagram-frame-size (20000B) is larger "
				+ "than fallback.websocket.max-record-size (16382B): a DATAGRAM frame must fit in one record");
		assertThat(analysis.getAction()).contains("Lower fallback.websocket.max-datagram-frame-size to at most "
				+ "16382B (0 refuses datagrams), or raise fallback.websocket.max-record-size");
	}

	@Test
	void sendBufferSmallerThanARecordFails() {
		FailureAnalysis analysis = analyze("fallback.websocket.send-buffer-limit=4KB");

		assertThat(analysis.getDescription()).contains("fallback.websocket.send-buffer-limit (4096B) is smaller than "
				+ "one record, fallback.websocket.max-record-size (16382B)");
		assertThat(analysis.getAction()).contains("Raise fallback.websocket.send-buffer-limit to at least 16382B");
	}

	@Test
	void perAddressLimitAboveTheTotalFails() {
		FailureAnalysis analysis = analyze("fallback.limits.max-sessions=10",
				"fallback.limits.max-sessions-per-address=20");

		assertThat(analysis.getDescription()).contains("fallback.limits.max-sessions-per-address (20) is larger than "
				+ "fallback.limits.max-sessions (10): the per-address limit could never be reached");
		assertThat(analysis.getAction()).contains("Lower fallback.limits.max-sessions-per-address to at most 10, or "
				+ "raise fallback.limits.max-sessions");
	}

	@Test
	void gracePeriodLongerThanTheShutdownPhaseFails() {
		FailureAnalysis analysis = analyze("fallback.shutdown.grace-period=30s");

		assertThat(analysis.getDescription()).contains("fallback.shutdown.grace-period (30s) plus 3s to close "
				+ "sessions exceeds spring.lifecycle.timeout-per-shutdown-phase (30s)");
		assertThat(analysis.getAction()).contains("Lower fallback.shutdown.grace-period to at most 27s, or raise "
				+ "spring.lifecycle.timeout-per-shutdown-phase to at least 33s");
	}

	@Test
	void gracePeriodFitsALongerShutdownPhase() {
		this.contextRunner
			.withPropertyValues("fallback.shutdown.grace-period=30s", "spring.lifecycle.timeout-per-shutdown-phase=40s")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void everyContradictionIsListed() {
		FailureAnalysis analysis = analyze("fallback.websocket.max-datagram-frame-size=20000B",
				"fallback.websocket.send-buffer-limit=4KB");

		assertThat(analysis.getDescription()).startsWith("The wt-fallback settings contradict each other:")
			.contains("max-datagram-frame-size (20000B)", "send-buffer-limit (4096B)");
	}

	private FailureAnalysis analyze(String... properties) {
		FailureAnalysis[] analysis = new FailureAnalysis[1];
		this.contextRunner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			analysis[0] = new ContradictorySettingsFailureAnalyzer().analyze(context.getStartupFailure());
		});
		assertThat(analysis[0]).as("failure analysis").isNotNull();
		return analysis[0];
	}

	@Configuration(proxyBeanMethods = false)
	static class OnConnectConfiguration {

		@Bean
		OnConnect onConnect() {
			return (connection) -> {
			};
		}

	}

}
