package dev.wtfallback.sample;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

import dev.wtfallback.core.BidirectionalStream;
import dev.wtfallback.core.ReceiveStream;
import dev.wtfallback.core.SendStream;
import dev.wtfallback.core.StreamResetException;
import dev.wtfallback.core.WtConnection;
import dev.wtfallback.core.client.QmuxClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * End-to-end tests of the sample echo service on a real Tomcat, driven by the Java client:
 * streams both ways, stream limits, large transfers, datagrams and stream resets.
 */
@SpringBootTest(classes = SampleApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "server.address=127.0.0.1")
@Timeout(60)
class EchoIntegrationTests {

	/** Threads for blocking test tasks; the common pool may have a single thread. */
	private static final java.util.concurrent.ExecutorService THREADS = java.util.concurrent.Executors
		.newCachedThreadPool();


	private static final Duration TIMEOUT = Echoes.TIMEOUT;

	@LocalServerPort
	private int port;

	private QmuxClient client;

	private WtConnection connection;

	@BeforeEach
	void connect() throws Exception {
		this.client = Echoes.echoClient();
		this.connection = this.client.connect(Echoes.endpoint(this.port));
	}

	@AfterEach
	void disconnect() {
		this.connection.close();
		this.client.close();
	}

	@Test
	void bidirectionalStreamIsEchoedUnderTheNegotiatedProtocol() throws Exception {
		byte[] payload = "hello, echo".getBytes(StandardCharsets.UTF_8);

		byte[] echoed = Echoes.roundTrip(this.connection, payload);

		assertThat(echoed).isEqualTo(payload);
		assertThat(this.connection.applicationProtocol()).isEqualTo("echo");
	}

	@Test
	void clientOfferingOnlyBareVersionsGetsNoApplicationProtocol() throws Exception {
		try (QmuxClient bare = QmuxClient.builder().build()) {
			WtConnection bareConnection = bare.connect(Echoes.endpoint(this.port));

			byte[] echoed = Echoes.roundTrip(bareConnection, new byte[] { 1, 2, 3 });

			assertThat(bareConnection.applicationProtocol()).isEmpty();
			assertThat(echoed).containsExactly(1, 2, 3);
			bareConnection.close();
		}
	}

	@Test
	void twoHundredConcurrentStreamsAreEchoedPastTheServerStreamLimit() throws Exception {
		Random random = new Random(200);
		List<byte[]> payloads = IntStream.range(0, 200)
			.mapToObj((i) -> randomBytes(random, 8 * 1024 + random.nextInt(56 * 1024 + 1)))
			.toList();
		ExecutorService callers = Executors.newFixedThreadPool(payloads.size());
		List<Long> streamIds = new ArrayList<>();
		long start = System.nanoTime();

		List<CompletableFuture<byte[]>> echoes = payloads.stream()
			.map((payload) -> CompletableFuture.supplyAsync(() -> echo(payload, streamIds), callers))
			.toList();
		try {
			awaitAll(echoes, Duration.ofSeconds(40));
		}
		finally {
			callers.shutdownNow();
		}

		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		System.out.printf("200 concurrent streams, %d bytes, echoed in %d ms%n",
				payloads.stream().mapToInt((payload) -> payload.length).sum(), millis);
		for (int i = 0; i < payloads.size(); i++) {
			assertThat(echoes.get(i).join()).as("echo of stream %d", i).isEqualTo(payloads.get(i));
		}
		// Ids above 4 * 99 exist only if the server returned stream credit with MAX_STREAMS.
		assertThat(streamIds).hasSize(200).doesNotHaveDuplicates().contains(4L * 199);
	}

	private byte[] echo(byte[] payload, List<Long> streamIds) {
		try {
			BidirectionalStream stream = this.connection.openStream();
			synchronized (streamIds) {
				streamIds.add(stream.id());
			}
			return Echoes.roundTrip(stream, payload);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Echo of " + payload.length + " bytes failed", ex);
		}
	}

	@Test
	void sixtyFourMebibytesRoundTripIntact() throws Exception {
		long total = 64L * 1024 * 1024;
		BidirectionalStream stream = this.connection.openStream();
		MessageDigest sent = MessageDigest.getInstance("SHA-256");
		long start = System.nanoTime();

		CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> writeRandom(stream, total, sent), THREADS);
		MessageDigest received = MessageDigest.getInstance("SHA-256");
		long count = readAll(stream, received);
		writer.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);

		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		System.out.printf("64 MiB echoed in %d ms (%.1f MiB/s each way)%n", millis, 64 * 1000.0 / millis);
		assertThat(count).isEqualTo(total);
		assertThat(HexFormat.of().formatHex(received.digest())).isEqualTo(HexFormat.of().formatHex(sent.digest()));
	}

	private static void writeRandom(SendStream stream, long total, MessageDigest digest) {
		Random random = new Random(64);
		byte[] chunk = new byte[64 * 1024];
		try {
			for (long written = 0; written < total; written += chunk.length) {
				random.nextBytes(chunk);
				digest.update(chunk);
				stream.write(chunk);
			}
			stream.finish();
		}
		catch (Exception ex) {
			throw new IllegalStateException("Writing failed", ex);
		}
	}

	private static long readAll(ReceiveStream stream, MessageDigest digest) throws Exception {
		byte[] buffer = new byte[64 * 1024];
		long count = 0;
		for (int read = stream.read(buffer); read != -1; read = stream.read(buffer)) {
			digest.update(buffer, 0, read);
			count += read;
		}
		return count;
	}

	@Test
	void unidirectionalStreamIsAnsweredOnAServerStream() throws Exception {
		byte[] payload = randomBytes(new Random(4), 40 * 1024);
		SendStream stream = this.connection.openUnidirectionalStream();

		stream.write(payload);
		stream.finish();
		ReceiveStream answer = this.connection.acceptUnidirectionalStreamAsync()
			.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);

		assertThat(answer.id() & 0x3).as("server-initiated unidirectional id").isEqualTo(3);
		assertThat(answer.readAllBytes(payload.length + 1)).isEqualTo(payload);
	}

	@Test
	void datagramsUpToTheLimitAreEchoedAndLargerOnesRefused() throws Exception {
		await().atMost(TIMEOUT).until(() -> this.connection.maxDatagramSize() > 0);
		int max = this.connection.maxDatagramSize();
		Random random = new Random(5);
		List<byte[]> datagrams = List.of(randomBytes(random, 1), randomBytes(random, 100),
				randomBytes(random, 4096), randomBytes(random, max), randomBytes(random, 7));

		for (byte[] datagram : datagrams) {
			this.connection.sendDatagram(datagram);
		}
		List<byte[]> echoed = new ArrayList<>();
		for (int i = 0; i < datagrams.size(); i++) {
			echoed.add(nextDatagram(echoed, datagrams.size()));
		}

		assertThat(echoed).containsExactlyElementsOf(datagrams);
		assertThatIllegalArgumentException().isThrownBy(() -> this.connection.sendDatagram(new byte[max + 1]));
	}

	private byte[] nextDatagram(List<byte[]> arrived, int expected) throws Exception {
		try {
			return this.connection.receiveDatagramAsync().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			throw new AssertionError("Only " + arrived.size() + " of " + expected + " datagrams echoed within "
					+ TIMEOUT + ", sizes " + arrived.stream().map((datagram) -> datagram.length).toList());
		}
	}

	@Test
	void resetOfTheClientsSendingHalfComesBackWithTheSameCode() throws Exception {
		BidirectionalStream stream = this.connection.openStream();
		stream.write("before the reset".getBytes(StandardCharsets.US_ASCII));
		byte[] echoed = stream.readAsync(1024).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);

		stream.reset(26);

		assertThat(echoed).isNotEmpty();
		assertThat(stream.receiveClosed()).failsWithin(TIMEOUT)
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOfSatisfying(StreamResetException.class, (ex) -> {
				assertThat(ex.getErrorCode()).isEqualTo(26);
				assertThat(ex.isRemote()).isTrue();
			});
	}

	@Test
	void stopSendingMakesTheServerStopTheStreamWithTheSameCode() throws Exception {
		BidirectionalStream stream = this.connection.openStream();
		stream.write("first".getBytes(StandardCharsets.US_ASCII));
		stream.readAsync(1024).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);

		stream.stopSending(9);
		// The server learns that its echo is unwanted when it next writes; it then aborts the
		// stream with the code it was given, which stops our sending half too.
		stream.write("second".getBytes(StandardCharsets.US_ASCII));

		assertThat(stream.sendClosed()).failsWithin(TIMEOUT)
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOfSatisfying(StreamResetException.class, (ex) -> {
				assertThat(ex.getErrorCode()).isEqualTo(9);
				assertThat(ex.isRemote()).isTrue();
			});
		assertThat(Echoes.roundTrip(this.connection, new byte[] { 42 })).containsExactly(42);
	}

	private static void awaitAll(List<? extends CompletableFuture<?>> futures, Duration timeout) throws Exception {
		try {
			CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
				.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			List<Integer> pending = IntStream.range(0, futures.size())
				.filter((i) -> !futures.get(i).isDone())
				.boxed()
				.toList();
			throw new AssertionError((futures.size() - pending.size()) + " of " + futures.size()
					+ " echoes done within " + timeout + "; still waiting for " + pending);
		}
	}

	static byte[] randomBytes(Random random, int length) {
		byte[] bytes = new byte[length];
		random.nextBytes(bytes);
		return bytes;
	}

}
