package dev.wtfallback.sample;

import java.time.Duration;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.wtfallback.core.testsupport.NodeScript;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the published {@code @moq/qmux} client, unchanged, against the sample application:
 * handshakes with and without an application protocol, echo on bidirectional and
 * unidirectional streams, 100 concurrent streams, 10 MiB with a hash check, datagrams, a reset,
 * and closes with code and reason from either side.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
@Timeout(180)
class MoqQmuxClientInteropIntegrationTests {

	@LocalServerPort
	private int port;

	@ParameterizedTest
	@ValueSource(strings = { "qmux-02", "qmux-01" })
	void everyCheckOfTheReferenceClientPasses(String wireVersion) throws Exception {
		try (NodeScript client = NodeScript.start("client.mjs", "ws://127.0.0.1:" + this.port + "/wt", "echo",
				"--wire=" + wireVersion)) {
			int exitCode = client.awaitExit(Duration.ofSeconds(150));

			assertThat(exitCode).as("exit code; output:%n%s", client.output()).isZero();
			assertThat(client.output()).contains("10 passed, 0 failed").doesNotContain("FAIL");
		}
	}

}
