package dev.wtfallback.sample;

import java.time.Duration;

import dev.wtfallback.core.WtConnection;
import dev.wtfallback.core.client.QmuxClient;
import dev.wtfallback.core.qmux.Frame;
import dev.wtfallback.core.qmux.QmuxSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End-to-end tests of the idle timeout: a silent peer is dropped, a client that answers the
 * server's QX_PING stays connected without any application traffic.
 */
@SpringBootTest(classes = SampleApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "fallback.websocket.idle-timeout=500ms" })
@Timeout(30)
class IdleTimeoutIntegrationTests {

	@LocalServerPort
	private int port;

	@Test
	void peerThatNeverAnswersPingsIsClosed() throws Exception {
		try (RawQmuxPeer peer = RawQmuxPeer.connect(this.port)) {
			peer.sendTransportParameters(QmuxSettings.defaults());
			long start = System.nanoTime();

			Frame.PingFrame ping = peer.awaitFrame(Frame.PingFrame.class);
			int status = peer.awaitClose(Duration.ofSeconds(5));

			System.out.printf("Silent peer closed %d ms after its transport parameters, status %d%n",
					Duration.ofNanos(System.nanoTime() - start).toMillis(), status);
			assertThat(ping.response()).as("server sent a QX_PING request").isFalse();
			assertThat(status).as(peer.describe()).isEqualTo(1001);
		}
	}

	@Test
	void peerThatNeverSendsTransportParametersIsClosed() throws Exception {
		try (RawQmuxPeer peer = RawQmuxPeer.connect(this.port)) {
			// Sends nothing at all, not even its transport parameters.
			peer.awaitFrame(Frame.TransportParametersFrame.class);

			int status = peer.awaitClose(Duration.ofSeconds(5));

			assertThat(status).as(peer.describe()).isPositive();
		}
	}

	@Test
	void clientThatAnswersPingsStaysOpenWithoutTraffic() throws Exception {
		try (QmuxClient client = Echoes.echoClient()) {
			WtConnection connection = client.connect(Echoes.endpoint(this.port));

			await().during(Duration.ofSeconds(3))
				.atMost(Duration.ofSeconds(4))
				.untilAsserted(() -> assertThat(connection.closed()).as("closed future").isNotDone());

			assertThat(Echoes.roundTrip(connection, new byte[] { 8 })).containsExactly(8);
			connection.close();
		}
	}

}
