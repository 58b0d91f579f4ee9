package dev.wtfallback.core.client;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.wtfallback.core.BidirectionalStream;
import dev.wtfallback.core.CloseInfo;
import dev.wtfallback.core.ReceiveStream;
import dev.wtfallback.core.SendStream;
import dev.wtfallback.core.StreamResetException;
import dev.wtfallback.core.WtConnection;
import dev.wtfallback.core.testsupport.NodeScript;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests {@link QmuxClient} against the server role of the {@code @moq/qmux} reference
 * implementation, which echoes streams and datagrams.
 */
@Timeout(120)
class QmuxClientInteropIntegrationTests {

	/** Threads for blocking test tasks; the common pool may have a single thread. */
	private static final java.util.concurrent.ExecutorService THREADS = java.util.concurrent.Executors
		.newCachedThreadPool();


	private static NodeScript server;

	private static URI uri;

	private static QmuxClient client;

	@BeforeAll
	static void startReferenceServer() throws Exception {
		server = NodeScript.start("server.mjs", "0", "echo");
		String listening = server.awaitLine((line) -> line.startsWith("LISTENING "), Duration.ofSeconds(30));
		uri = URI.create("ws://127.0.0.1:" + listening.substring("LISTENING ".length()).trim() + "/wt");
		client = QmuxClient.builder().applicationProtocols("echo").build();
	}

	@AfterAll
	static void stopReferenceServer() {
		client.close();
		server.close();
	}

	@Test
	void negotiatesTheApplicationProtocolOnDraft02() throws Exception {
		try (WtConnection connection = client.connect(uri)) {
			assertThat(connection.applicationProtocol()).isEqualTo("echo");
			assertThat(((dev.wtfallback.core.qmux.QmuxSession) connection).wireVersion().token())
				.isEqualTo("qmux-02");
		}
	}

	@Test
	void bidirectionalStreamIsEchoed() throws Exception {
		try (WtConnection connection = client.connect(uri)) {
			assertThat(echo(connection, "hello".getBytes(StandardCharsets.UTF_8))).asString().isEqualTo("hello");
		}
	}

	@Test
	void unidirectionalStreamIsAnsweredOnAServerStream() throws Exception {
		try (WtConnection connection = client.connect(uri)) {
			SendStream out = connection.openUnidirectionalStream();
			out.write(new byte[] { 1, 2, 3 });
			out.finish();

			ReceiveStream in = connection.acceptUnidirectionalStream();

			assertThat(in.id() & 0x03).isEqualTo(3);
			assertThat(in.readAllBytes(100)).containsExactly(1, 2, 3);
		}
	}

	@Test
	void fiftyConcurrentStreamsAreEchoed() throws Exception {
		try (WtConnection connection = client.connect(uri)) {
			List<CompletableFuture<Boolean>> results = new ArrayList<>();
			for (int i = 0; i < 50; i++) {
				byte[] payload = random(i, 20_000);
				results.add(CompletableFuture.supplyAsync(() -> Arrays.equals(echoUnchecked(connection, payload),
						payload), THREADS));
			}

			for (CompletableFuture<Boolean> result : results) {
				assertThat(result.get(60, TimeUnit.SECONDS)).isTrue();
			}
		}
	}

	@Test
	void tenMebibytesSurviveTheRoundTrip() throws Exception {
		try (WtConnection connection = client.connect(uri)) {
			byte[] payload = random(7, 10 * 1024 * 1024);

			byte[] echoed = echo(connection, payload);

			assertThat(sha256(echoed)).isEqualTo(sha256(payload));
		}
	}

	@Test
	void datagramsAreEchoed() throws Exception {
		try (WtConnection connection = client.connect(uri)) {
			connection.openStream();
			byte[] largest = random(3, connection.maxDatagramSize());

			connection.sendDatagram(new byte[] { 42 });
			connection.sendDatagram(largest);

			assertThat(connection.receiveDatagramAsync().get(10, TimeUnit.SECONDS)).containsExactly(42);
			assertThat(connection.receiveDatagramAsync().get(10, TimeUnit.SECONDS)).isEqualTo(largest);
		}
	}

	@Test
	void resetReachesThePeerWhichResetsItsEcho() throws Exception {
		try (WtConnection connection = client.connect(uri)) {
			BidirectionalStream stream = connection.openStream();
			stream.write(new byte[100]);
			assertThat(stream.read(new byte[100])).isPositive();

			stream.reset(26);

			assertThatExceptionOfType(StreamResetException.class).isThrownBy(() -> stream.readAllBytes(1 << 20))
				.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(26));
			assertThat(echo(connection, new byte[] { 5 })).containsExactly(5);
		}
	}

	@Test
	void serverCloseArrivesWithItsCodeAndReason() throws Exception {
		WtConnection connection = client.connect(uri);
		BidirectionalStream stream = connection.openStream();
		stream.write("close-me".getBytes(StandardCharsets.US_ASCII));
		stream.finish();

		CloseInfo info = connection.closed().get(10, TimeUnit.SECONDS);

		assertThat(info).isEqualTo(new CloseInfo(7, "requested", true, false));
	}

	@Test
	void clientCloseIsGraceful() throws Exception {
		WtConnection connection = client.connect(uri);
		assertThat(echo(connection, new byte[] { 1 })).containsExactly(1);

		connection.close(4242, "bye");

		assertThat(connection.closed().get(10, TimeUnit.SECONDS)).isEqualTo(new CloseInfo(4242, "bye", true, true));
		server.awaitLine((line) -> line.contains("4242") && line.contains("bye"), Duration.ofSeconds(10));
	}

	private static byte[] echo(WtConnection connection, byte[] payload) throws Exception {
		BidirectionalStream stream = connection.openStream();
		CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
			try {
				stream.write(payload);
				stream.finish();
			}
			catch (java.io.IOException ex) {
				throw new IllegalStateException(ex);
			}
		}, THREADS);
		byte[] echoed = stream.readAllBytes(payload.length + 1);
		written.get(10, TimeUnit.SECONDS);
		return echoed;
	}

	private static byte[] echoUnchecked(WtConnection connection, byte[] payload) {
		try {
			return echo(connection, payload);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static byte[] random(long seed, int size) {
		byte[] bytes = new byte[size];
		new Random(seed).nextBytes(bytes);
		return bytes;
	}

	private static byte[] sha256(byte[] bytes) throws Exception {
		return MessageDigest.getInstance("SHA-256").digest(bytes);
	}

}
