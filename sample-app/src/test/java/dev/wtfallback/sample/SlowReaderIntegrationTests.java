package dev.wtfallback.sample;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
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

	/** Pings that fit one record: 12 bytes each while sequence numbers stay below 2^30. */
	private static final int PINGS_PER_RECORD = 1300;

	/** Bytes of QX_PING requests to send, many times the session's 1 MiB send buffer. */
	private static final long PING_FLOOD_BYTES = 96L * 1024 * 1024;

	/** Heap growth tolerated after the flood: the send buffer and some slack. */
	private static final long PING_FLOOD_HEAP_LIMIT = 32L * 1024 * 1024;

	/** Longest a ping flood goes on. */
	private static final Duration PING_FLOOD_LIMIT = Duration.ofSeconds(30);

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

	@Test
	void pingsFromAPeerThatNeverReadsDoNotGrowServerMemoryWithoutBound() throws Exception {
		this.recording.clear();
		try (UnreadingPeer peer = UnreadingPeer.connect(this.port)) {
			WtConnection stuck = this.recording.await((candidate) -> candidate.remoteAddress() != null
					&& candidate.remoteAddress().getPort() == peer.localPort());
			peer.send(new Frame.TransportParametersFrame(TransportParameters.of(QmuxSettings.defaults())));
			long heapBefore = usedHeapAfterGc();
			long start = System.nanoTime();

			String floodEnd = floodWithPings(peer, stuck);
			long heapAfter = usedHeapAfterGc();

			System.out.printf("Ping flood for %d ms: %s; server heap grew by %d MiB; session %s%n",
					millisSince(start), floodEnd, (heapAfter - heapBefore) >> 20,
					stuck.isOpen() ? "still open" : stuck.closed().join());
			assertThat(heapAfter - heapBefore).as("heap growth in bytes after the flood, which %s", floodEnd)
				.isLessThan(PING_FLOOD_HEAP_LIMIT);
		}
	}

	/**
	 * Send QX_PING requests, each of which asks for a response the peer never reads, until
	 * {@value #PING_FLOOD_BYTES} bytes went out or the server ended the session.
	 */
	private static String floodWithPings(UnreadingPeer peer, WtConnection stuck) {
		// Once the server ends the session it stops reading without closing the socket at once,
		// and a write into the full socket would wait for the container's timeouts: cut it short.
		stuck.closed().thenRun(() -> closeQuietly(peer));
		CompletableFuture.delayedExecutor(PING_FLOOD_LIMIT.toMillis(), TimeUnit.MILLISECONDS)
			.execute(() -> closeQuietly(peer));
		Frame[] pings = new Frame[PINGS_PER_RECORD];
		long sequence = 0;
		long sent = 0;
		try {
			while (sent < PING_FLOOD_BYTES && stuck.isOpen()) {
				for (int i = 0; i < pings.length; i++) {
					pings[i] = new Frame.PingFrame(false, sequence++);
				}
				peer.send(pings);
				sent += (long) pings.length * pings[0].encodedSize();
			}
			return "ended after " + sequence + " pings (" + (sent >> 20) + " MiB)";
		}
		catch (IOException ex) {
			return "failed after " + sequence + " pings (" + (sent >> 20) + " MiB): " + ex;
		}
	}

	private static void closeQuietly(UnreadingPeer peer) {
		try {
			peer.close();
		}
		catch (IOException ex) {
			// Closed already.
		}
	}

	private static long usedHeapAfterGc() {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		memory.gc();
		return memory.getHeapMemoryUsage().getUsed();
	}

	private static long millisSince(long start) {
		return Duration.ofNanos(System.nanoTime() - start).toMillis();
	}

}
