package dev.wtfallback.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.wtfallback.core.BidirectionalStream;
import dev.wtfallback.core.CloseInfo;
import dev.wtfallback.core.WtConnection;
import dev.wtfallback.core.client.QmuxClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End-to-end tests of graceful closes with a code and a reason, started by either side.
 */
@SpringBootTest(classes = SampleApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "server.address=127.0.0.1")
@Import(ConnectionRecorder.class)
@Timeout(30)
class ConnectionCloseIntegrationTests {

	private static final Duration TIMEOUT = Echoes.TIMEOUT;

	@LocalServerPort
	private int port;

	@Autowired
	private ConnectionRecorder.Recording recording;

	private QmuxClient client;

	@BeforeEach
	void createClient() {
		this.recording.clear();
		this.client = Echoes.echoClient();
	}

	@AfterEach
	void closeClient() {
		this.client.close();
	}

	@Test
	void clientCloseReachesTheServerWithCodeAndReason() throws Exception {
		WtConnection connection = this.client.connect(Echoes.endpoint(this.port));
		WtConnection serverSide = this.recording.await((candidate) -> true);

		connection.close(4242, "bye");

		assertThat(serverSide.closed()).succeedsWithin(TIMEOUT)
			.isEqualTo(new CloseInfo(4242, "bye", true, false));
		assertThat(connection.closed()).succeedsWithin(TIMEOUT)
			.isEqualTo(new CloseInfo(4242, "bye", true, true));
	}

	@Test
	void serverCloseOnRequestReachesTheClientWithCodeAndReason() throws Exception {
		WtConnection connection = this.client.connect(Echoes.endpoint(this.port));
		BidirectionalStream stream = connection.openStream();

		stream.write("close-me".getBytes(StandardCharsets.US_ASCII));
		stream.finish();

		assertThat(connection.closed()).succeedsWithin(TIMEOUT)
			.isEqualTo(new CloseInfo(EchoHandler.CLOSE_CODE, EchoHandler.CLOSE_REASON, true, false));
	}

}
