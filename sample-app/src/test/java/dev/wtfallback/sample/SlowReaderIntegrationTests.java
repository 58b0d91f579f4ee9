package dev.wtfallback.sample;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.wtfallback.core.CloseInfo;
import dev.wtfallback.core.WtConnection;
import dev.wtfallback.core.qmux.Frame;
import dev.wtfallback.core.qmux.QmuxSettings;
import dev.wtfallback.core.qmux.TransportParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End-to-end test of a peer that stops reading: the server's sends to it block, its memory for
 * that session stays within the configured limits, other clients are served as usual, and the
 * stuck session ends when the container's blocking send times out.
 */
@SpringBootTest(classes = SampleApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "server.address=127.0.0.1")
@Import(ConnectionRecorder.class)
@Timeout(90)
class SlowReaderIntegrationTests {

	/** Datagram payload that fits one 16382-byte record with its frame header. */
	private static final int DATAGRAM = 16000;

	/** Enough datagrams to fill the kernel buffers, the send buffer and the receive queue. */
	private static final int MAX_DATAGRAMS = 4000;

	@LocalServerPort
	private int port;

	@Autowired
	private ConnectionRecorder.Recording recording;

	@Test
	void peerThatNeverReadsIsDroppedWithoutDisturbingOthers() throws Exception {
		this.recording.clear();
		try (UnreadingPeer peer = UnreadingPeer.connect(this.port)) {
			WtConnection stuck = this.recording.await((candidate) -> candidate.remoteAddress() != null
					&& candidate.remoteAddress().getPort() == peer.localPort());
			peer.send(new Frame.TransportParametersFrame(TransportParameters.of(QmuxSettings.defaults())));
			long start = System.nanoTime();

			int sent = 0;
			while (sent < MAX_DATAGRAMS && stuck.droppedDatagrams() == 0) {
				peer.send(new Frame.DatagramFrame(ByteBuffer.allocate(DATAGRAM)));
				sent++;
			}
			long floodMillis = millisSince(start);
			byte[] echoed = Echoes.echoOnNewConnection(this.port, new byte[] { 11 });
			long echoMillis = millisSince(start) - floodMillis;
			CloseInfo info = stuck.closed().get(60, TimeUnit.SECONDS);

			System.out.printf("Sent %d datagrams of %d bytes in %d ms until the server dropped one; another "
					+ "client's echo took %d ms; the stuck session ended %d ms after the flood began: %s; "
					+ "%d datagrams dropped%n", sent, DATAGRAM, floodMillis, echoMillis, millisSince(start), info,
					stuck.droppedDatagrams());
			System.out.println("Peer then read " + peer.drain());
			assertThat(stuck.droppedDatagrams()).as("datagrams dropped after %d sent", sent).isPositive();
			assertThat(echoed).containsExactly(11);
			assertThat(info.graceful()).as("how the stuck session ended: %s", info).isFalse();
		}
	}

	private static long millisSince(long start) {
		return Duration.ofNanos(System.nanoTime() - start).toMillis();
	}

}
