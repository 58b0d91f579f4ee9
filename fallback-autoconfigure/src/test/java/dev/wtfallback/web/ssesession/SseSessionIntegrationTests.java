package dev.wtfallback.web.ssesession;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.wtfallback.core.BidirectionalStream;
import dev.wtfallback.core.CloseInfo;
import dev.wtfallback.core.ReceiveStream;
import dev.wtfallback.core.SendStream;
import dev.wtfallback.core.Transport;
import dev.wtfallback.core.WtConnection;
import dev.wtfallback.core.qmux.QmuxRuntime;
import dev.wtfallback.core.qmux.QmuxSession;
import dev.wtfallback.core.qmux.QmuxSettings;
import dev.wtfallback.testsupport.SseClientTransport;
import dev.wtfallback.testsupport.SseSessionTestClient;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of QMux sessions over SSE+POST on a real Tomcat, with a client-role QMux session on the
 * JDK's HTTP client: streams, datagrams, volume, concurrency and how sessions end.
 */
@SpringBootTest(classes = SseSessionTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "fallback.websocket.protocols=echo",
				"fallback.security.allowed-origins=https://app.example",
				"fallback.sse-session.heartbeat-interval=200ms", "spring.mvc.async.request-timeout=1s",
				"logging.level.dev.wtfallback=debug" })
class SseSessionIntegrationTests {

	private static final Log logger = LogFactory.getLog(SseSessionIntegrationTests.class);

	private static final String OPEN = "/wt-sse?protocols=qmux-02.echo,qmux-01.echo,qmux-02,qmux-01";

	@LocalServerPort
	private int port;

	@Autowired
	private EchoConnections connections;

	private final QmuxRuntime runtime = QmuxRuntime.create("test-client-");

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final List<QmuxSession> sessions = new ArrayList<>();

	@BeforeEach
	void forgetEarlierConnections() {
		this.connections.reset();
	}

	@AfterEach
	void closeClients() {
		this.sessions.forEach(QmuxSession::close);
		this.executor.shutdownNow();
		this.runtime.close();
	}

	@Test
	void bidirectionalStreamIsEchoedAndTheHandlerSeesTheSseTransport() throws Exception {
		SseSessionTestClient client = SseSessionTestClient.create(this.port)
			.withHeader(SseSessionTestApplication.USER_HEADER, "alice");
		QmuxSession session = connect(client, OPEN + "&fallback-reason=websocket-blocked").session();
		WtConnection server = this.connections.next();

		BidirectionalStream stream = within(session::openStream);
		stream.write("hello".getBytes(StandardCharsets.UTF_8));
		stream.finish();

		assertThat(readAll(stream, 100)).asString(StandardCharsets.UTF_8).isEqualTo("hello");
		assertThat(server.transport()).isEqualTo(Transport.SSE);
		assertThat(server.applicationProtocol()).isEqualTo("echo");
		assertThat(server.id()).startsWith("sse-");
		assertThat(server.principal().getName()).isEqualTo("alice");
		assertThat(server.remoteAddress().getAddress()).isEqualTo(InetAddress.getLoopbackAddress());
		assertThat(server.attributes()).containsEntry(SseSessionEndpoint.FALLBACK_REASON_ATTRIBUTE,
				"websocket-blocked");
		assertThat(session.applicationProtocol()).isEqualTo("echo");
	}

	@Test
	void anonymousSessionHasNoPrincipalAndNoFallbackReason() throws Exception {
		connect(SseSessionTestClient.create(this.port), OPEN);

		WtConnection server = this.connections.next();

		assertThat(server.principal()).isNull();
		assertThat(server.attributes()).doesNotContainKey(SseSessionEndpoint.FALLBACK_REASON_ATTRIBUTE);
	}

	@Test
	void unidirectionalStreamIsEchoedOnAServerStream() throws Exception {
		QmuxSession session = connect(SseSessionTestClient.create(this.port), OPEN).session();

		SendStream outgoing = within(session::openUnidirectionalStream);
		outgoing.write("one way".getBytes(StandardCharsets.UTF_8));
		outgoing.finish();
		ReceiveStream incoming = within(session::acceptUnidirectionalStream);

		assertThat(readAll(incoming, 100)).asString(StandardCharsets.UTF_8).isEqualTo("one way");
	}

	@Test
	void datagramsAreEchoedInOrder() throws Exception {
		QmuxSession session = connect(SseSessionTestClient.create(this.port), OPEN).session();
		WtConnection server = this.connections.next();

		for (int i = 0; i < 5; i++) {
			session.sendDatagram(("datagram " + i).getBytes(StandardCharsets.UTF_8));
		}
		List<String> echoed = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			echoed.add(new String(within(session::receiveDatagram), StandardCharsets.UTF_8));
		}

		assertThat(echoed).containsExactly("datagram 0", "datagram 1", "datagram 2", "datagram 3", "datagram 4");
		assertThat(this.connections.datagramsOf(server)).isEqualTo(echoed);
	}

	@Test
	void fiveMebibytesMakeTheRoundTripUnchanged() throws Exception {
		QmuxSession session = connect(SseSessionTestClient.create(this.port), OPEN).session();
		byte[] payload = new byte[5 * 1024 * 1024];
		new Random(42).nextBytes(payload);

		long started = System.nanoTime();
		BidirectionalStream stream = within(session::openStream);
		CompletableFuture<byte[]> echoed = CompletableFuture
			.supplyAsync(() -> uncheck(() -> stream.readAllBytes(payload.length + 1)), this.executor);
		for (int offset = 0; offset < payload.length; offset += 65536) {
			stream.write(payload, offset, Math.min(65536, payload.length - offset));
		}
		stream.finish();
		byte[] back = echoed.get(60, TimeUnit.SECONDS);
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

		logger.info("5 MiB round trip over SSE+POST took " + millis + " ms");
		assertThat(back).hasSize(payload.length);
		assertThat(sha256(back)).isEqualTo(sha256(payload));
	}

	@Test
	void fiftyConcurrentStreamsEachGetTheirOwnBytesBack() throws Exception {
		QmuxSession session = connect(SseSessionTestClient.create(this.port), OPEN).session();

		List<CompletableFuture<Boolean>> results = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			byte[] payload = new byte[20000];
			new Random(i).nextBytes(payload);
			results.add(CompletableFuture.supplyAsync(() -> uncheck(() -> {
				BidirectionalStream stream = session.openStream();
				stream.write(payload);
				stream.finish();
				return MessageDigest.isEqual(stream.readAllBytes(payload.length + 1), payload);
			}), this.executor));
		}
		CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

		assertThat(results).extracting(CompletableFuture::join).containsOnly(true).hasSize(50);
	}

	@Test
	void closingTheEventStreamEndsTheServerSession() throws Exception {
		SseClientTransport transport = connect(SseSessionTestClient.create(this.port), OPEN);
		WtConnection server = this.connections.next();
		assertThat(within(transport.session()::openStream)).isNotNull();

		transport.abortStream();

		CloseInfo info = server.closed().get(5, TimeUnit.SECONDS);
		assertThat(info.graceful()).isFalse();
		assertThat(info.local()).isFalse();
	}

	@Test
	void serverCloseReachesTheClientSession() throws Exception {
		QmuxSession session = connect(SseSessionTestClient.create(this.port), OPEN).session();
		WtConnection server = this.connections.next();
		assertThat(within(session::openStream)).isNotNull();

		server.close(7, "done");

		CloseInfo info = session.closed().get(5, TimeUnit.SECONDS);
		assertThat(info.code()).isEqualTo(7);
		assertThat(info.reason()).isEqualTo("done");
		assertThat(info.graceful()).isTrue();
		assertThat(info.local()).isFalse();
	}

	@Test
	void clientCloseEndsTheServerSessionGracefully() throws Exception {
		QmuxSession session = connect(SseSessionTestClient.create(this.port), OPEN).session();
		WtConnection server = this.connections.next();
		assertThat(within(session::openStream)).isNotNull();

		session.close(3, "bye");

		CloseInfo info = server.closed().get(5, TimeUnit.SECONDS);
		assertThat(info.code()).isEqualTo(3);
		assertThat(info.reason()).isEqualTo("bye");
		assertThat(info.graceful()).isTrue();
	}

	private SseClientTransport connect(SseSessionTestClient client, String pathAndQuery) throws Exception {
		SseClientTransport transport = client.connect(pathAndQuery, QmuxSettings.defaults(), this.runtime);
		this.sessions.add(transport.session());
		return transport;
	}

	private byte[] readAll(ReceiveStream stream, int maxLength) throws Exception {
		return within(() -> stream.readAllBytes(maxLength));
	}

	private <T> T within(Callable<T> task) throws Exception {
		return this.executor.submit(task).get(10, TimeUnit.SECONDS);
	}

	private static <T> T uncheck(Callable<T> task) {
		try {
			return task.call();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static byte[] sha256(byte[] bytes) throws Exception {
		return MessageDigest.getInstance("SHA-256").digest(bytes);
	}

}
