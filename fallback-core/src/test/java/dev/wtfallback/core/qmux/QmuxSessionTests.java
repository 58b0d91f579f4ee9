package dev.wtfallback.core.qmux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.wtfallback.core.BidirectionalStream;
import dev.wtfallback.core.CloseInfo;
import dev.wtfallback.core.ReceiveStream;
import dev.wtfallback.core.SendStream;
import dev.wtfallback.core.SessionClosedException;
import dev.wtfallback.core.StreamResetException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link QmuxSession} with two sessions joined in memory.
 */
@Timeout(60)
class QmuxSessionTests {

	/** Threads for blocking test tasks; the common pool may have a single thread. */
	private static final java.util.concurrent.ExecutorService THREADS = java.util.concurrent.Executors
		.newCachedThreadPool();


	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@Test
	void bytesWrittenOnABidirectionalStreamArriveInOrder() throws Exception {
		try (SessionPair pair = new SessionPair()) {
			BidirectionalStream out = pair.client.openStream();
			out.write("hello".getBytes(StandardCharsets.UTF_8));
			out.finish();

			BidirectionalStream in = pair.server.acceptStream();

			assertThat(in.id()).isEqualTo(out.id()).isZero();
			assertThat(in.readAllBytes(100)).asString(StandardCharsets.UTF_8).isEqualTo("hello");
			assertThat(in.read(new byte[1])).isEqualTo(-1);
		}
	}

	@Test
	void halfCloseLeavesTheOtherDirectionOpen() throws Exception {
		try (SessionPair pair = new SessionPair()) {
			BidirectionalStream out = pair.client.openStream();
			out.write(new byte[] { 1 });
			out.finish();
			BidirectionalStream in = pair.server.acceptStream();
			assertThat(in.readAllBytes(10)).containsExactly(1);

			in.write(new byte[] { 2, 3 });
			in.finish();

			assertThat(out.readAllBytes(10)).containsExactly(2, 3);
		}
	}

	@Test
	void smallReadBufferGetsTheRestOnTheNextRead() throws Exception {
		try (SessionPair pair = new SessionPair()) {
			BidirectionalStream out = pair.client.openStream();
			out.write(new byte[] { 1, 2, 3, 4, 5 });
			out.finish();
			BidirectionalStream in = pair.server.acceptStream();
			byte[] two = new byte[2];

			List<Integer> read = new ArrayList<>();
			int n;
			while ((n = in.read(two)) > 0) {
				for (int i = 0; i < n; i++) {
					read.add((int) two[i]);
				}
			}

			assertThat(read).containsExactly(1, 2, 3, 4, 5);
		}
	}

	@Test
	void unidirectionalStreamsCarryBytesBothWays() throws Exception {
		try (SessionPair pair = new SessionPair()) {
			SendStream out = pair.client.openUnidirectionalStream();
			out.write(new byte[] { 7, 8 });
			out.finish();
			ReceiveStream in = pair.server.acceptUnidirectionalStream();
			SendStream reply = pair.server.openUnidirectionalStream();
			reply.write(in.readAllBytes(10));
			reply.finish();

			ReceiveStream back = pair.client.acceptUnidirectionalStream();

			assertThat(out.id()).isEqualTo(2);
			assertThat(reply.id()).isEqualTo(3);
			assertThat(back.readAllBytes(10)).containsExactly(7, 8);
		}
	}

	@Test
	void writerBlocksAtTheStreamWindowUntilTheReaderConsumes() throws Exception {
		QmuxSettings small = QmuxSettings.builder().initialMaxStreamData(1000).build();
		try (SessionPair pair = new SessionPair(small)) {
			byte[] payload = new byte[10_000];
			new Random(1).nextBytes(payload);
			BidirectionalStream out = pair.client.openStream();
			CompletableFuture<Void> written = out.writeAsync(java.nio.ByteBuffer.wrap(payload));
			BidirectionalStream in = pair.server.acceptStream();
			QmuxStream inbound = (QmuxStream) in;

			await().atMost(TIMEOUT).until(() -> inbound.buffered() == 1000);
			assertThat(written).isNotDone();

			byte[] received = new byte[10_000];
			int total = 0;
			while (total < received.length) {
				total += in.read(received, total, received.length - total);
				assertThat(inbound.buffered()).isLessThanOrEqualTo(1000);
			}
			written.get(10, TimeUnit.SECONDS);
			assertThat(received).isEqualTo(payload);
		}
	}

	@Test
	void streamNobodyReadsDoesNotStallOtherStreamsOrDatagrams() throws Exception {
		QmuxSettings settings = QmuxSettings.builder().initialMaxStreamData(4096).build();
		try (SessionPair pair = new SessionPair(settings)) {
			BidirectionalStream stuck = pair.client.openStream();
			CompletableFuture<Void> stuckWrite = stuck.writeAsync(java.nio.ByteBuffer.allocate(100_000));
			pair.server.acceptStream();

			BidirectionalStream other = pair.client.openStream();
			other.writeAsync(java.nio.ByteBuffer.allocate(50_000)).thenRun(() -> finishQuietly(other));
			BidirectionalStream otherIn = pair.server.acceptStream();
			pair.client.sendDatagram(new byte[] { 42 });

			assertThat(otherIn.readAllBytes(100_000)).hasSize(50_000);
			assertThat(pair.server.receiveDatagram()).containsExactly(42);
			assertThat(stuckWrite).isNotDone();
		}
	}

	@Test
	void openingBlocksAtTheStreamLimitUntilThePeerRetiresStreams() throws Exception {
		QmuxSettings settings = QmuxSettings.builder().initialMaxStreamsBidi(2).build();
		try (SessionPair pair = new SessionPair(settings)) {
			BidirectionalStream first = pair.client.openStream();
			pair.client.openStream();
			CompletableFuture<BidirectionalStream> third = pair.client.openStreamAsync();
			first.write(new byte[] { 1 });
			first.finish();

			BidirectionalStream accepted = pair.server.acceptStream();
			assertThat(third).isNotDone();
			accepted.readAllBytes(10);
			accepted.finish();

			assertThat(third.get(10, TimeUnit.SECONDS).id()).isEqualTo(8);
		}
	}

	@Test
	void manyConcurrentStreamsEchoIndependently() throws Exception {
		try (SessionPair pair = new SessionPair()) {
			CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> echoStreams(pair.server, 300), THREADS);
			List<CompletableFuture<Boolean>> results = new ArrayList<>();
			for (int i = 0; i < 300; i++) {
				byte[] payload = new byte[3000 + i];
				new Random(i).nextBytes(payload);
				results.add(pair.client.openStreamAsync().thenApply((stream) -> roundTrip(stream, payload)));
			}

			for (CompletableFuture<Boolean> result : results) {
				assertThat(result.get(30, TimeUnit.SECONDS)).isTrue();
			}
			echo.get(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void concurrentWritesToOneStreamLandWholeAndUninterleaved() throws Exception {
		QmuxSettings small = QmuxSettings.builder().initialMaxStreamData(4096).build();
		try (SessionPair pair = new SessionPair(small)) {
			BidirectionalStream out = pair.client.openStream();
			List<CompletableFuture<Void>> writers = new ArrayList<>();
			for (int writer = 0; writer < 4; writer++) {
				byte[] block = new byte[50_000];
				java.util.Arrays.fill(block, (byte) writer);
				writers.add(CompletableFuture.runAsync(() -> writeQuietly(out, block), THREADS));
			}
			BidirectionalStream in = pair.server.acceptStream();
			CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> readAllQuietly(in), THREADS);

			CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
			out.finish();

			byte[] bytes = received.get(30, TimeUnit.SECONDS);
			assertThat(bytes).hasSize(200_000);
			for (int block = 0; block < 4; block++) {
				byte first = bytes[block * 50_000];
				for (int i = 1; i < 50_000; i++) {
					assertThat(bytes[block * 50_000 + i]).as("byte %d of block %d", i, block).isEqualTo(first);
				}
			}
		}
	}

	@Test
	void resetReachesTheReaderWithItsCode() throws Exception {
		try (SessionPair pair = new SessionPair()) {
			BidirectionalStream out = pair.client.openStream();
			out.write(new byte[] { 1, 2 });
			out.reset(26);
			BidirectionalStream in = pair.server.acceptStream();

			assertThatExceptionOfType(StreamResetException.class).isThrownBy(() -> in.readAllBytes(10))
				.satisfies((ex) -> {
					assertThat(ex.getErrorCode()).isEqualTo(26);
					assertThat(ex.isRemote()).isTrue();
				});
			assertThatExceptionOfType(StreamResetException.class).isThrownBy(() -> out.write(new byte[1]));
		}
	}

	@Test
	void stopSendingMakesThePeerResetItsWriter() throws Exception {
		try (SessionPair pair = new SessionPair()) {
			BidirectionalStream out = pair.client.openStream();
			out.write(new byte[] { 1 });
			BidirectionalStream in = pair.server.acceptStream();

			in.stopSending(9);

			assertThat(out.sendClosed()).failsWithin(TIMEOUT).withThrowableOfType(Exception.class)
				.havingCause().isInstanceOfSatisfying(StreamResetException.class, (ex) -> {
					assertThat(ex.getErrorCode()).isEqualTo(9);
					assertThat(ex.isRemote()).isTrue();
				});
			assertThatExceptionOfType(StreamResetException.class).isThrownBy(() -> out.write(new byte[1]));
		}
	}

	@Test
	void closeCodeAndReasonReachThePeer() throws Exception {
		try (SessionPair pair = new SessionPair()) {
			CompletableFuture<BidirectionalStream> pending = pair.server.acceptStreamAsync();

			pair.client.close(4242, "bye");

			CloseInfo info = pair.server.closed().get(10, TimeUnit.SECONDS);
			assertThat(info).isEqualTo(new CloseInfo(4242, "bye", true, false));
			assertThat(pair.client.closed().get(10, TimeUnit.SECONDS).local()).isTrue();
			assertThat(pending).failsWithin(TIMEOUT).withThrowableOfType(Exception.class)
				.havingCause().isInstanceOf(SessionClosedException.class);
			assertThatExceptionOfType(SessionClosedException.class).isThrownBy(pair.server::acceptStream);
		}
	}

	@Test
	void datagramsArriveWhole() throws Exception {
		try (SessionPair pair = new SessionPair()) {
			int max = awaitMaxDatagramSize(pair.client);
			byte[] big = new byte[max];
			big[max - 1] = 5;

			pair.client.sendDatagram(big);

			assertThat(pair.server.receiveDatagramAsync().get(10, TimeUnit.SECONDS)).isEqualTo(big);
			assertThatExceptionOfType(IllegalArgumentException.class)
				.isThrownBy(() -> pair.client.sendDatagram(new byte[max + 1]));
		}
	}

	@Test
	void datagramsBeyondTheReceiveQueueAreDroppedAndCounted() throws Exception {
		QmuxSettings settings = QmuxSettings.builder().datagramQueueCapacity(3).build();
		try (SessionPair pair = new SessionPair(settings)) {
			awaitMaxDatagramSize(pair.client);
			for (int i = 0; i < 5; i++) {
				pair.client.sendDatagram(new byte[] { (byte) i });
			}

			await().atMost(TIMEOUT).until(() -> pair.server.droppedDatagrams() == 2);
			assertThat(pair.server.receiveDatagram()).containsExactly(0);
		}
	}

	@Test
	void peerThatRefusesDatagramsCannotBeSentOne() throws Exception {
		QmuxSettings none = QmuxSettings.builder().maxDatagramFrameSize(0).build();
		try (SessionPair pair = new SessionPair(QmuxSettings.defaults(), none)) {
			pair.client.openStream();

			assertThat(pair.client.maxDatagramSize()).isZero();
			assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> pair.client.sendDatagram(new byte[1]));
		}
	}

	@Test
	void pingsKeepAQuietSessionAlive() throws Exception {
		QmuxSettings settings = QmuxSettings.builder().maxIdleTimeout(Duration.ofMillis(300)).build();
		try (SessionPair pair = new SessionPair(settings)) {
			pair.client.openStream();

			await().pollDelay(Duration.ofMillis(1500)).atMost(TIMEOUT).until(() -> true);

			assertThat(pair.client.isOpen()).isTrue();
			assertThat(pair.server.isOpen()).isTrue();
		}
	}

	private static void writeQuietly(SendStream stream, byte[] bytes) {
		try {
			stream.write(bytes);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static byte[] readAllQuietly(ReceiveStream stream) {
		try {
			return stream.readAllBytes(1 << 20);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void finishQuietly(SendStream stream) {
		try {
			stream.finish();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static int awaitMaxDatagramSize(QmuxSession session) throws IOException {
		session.openStream();
		return session.maxDatagramSize();
	}

	private static void echoStreams(QmuxSession server, int count) {
		for (int i = 0; i < count; i++) {
			server.acceptStreamAsync().thenAccept((stream) -> {
				try {
					stream.write(stream.readAllBytes(1 << 20));
					stream.finish();
				}
				catch (IOException ex) {
					stream.abort(1);
				}
			});
		}
	}

	private static boolean roundTrip(BidirectionalStream stream, byte[] payload) {
		try {
			stream.write(payload);
			stream.finish();
			return java.util.Arrays.equals(stream.readAllBytes(1 << 20), payload);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
