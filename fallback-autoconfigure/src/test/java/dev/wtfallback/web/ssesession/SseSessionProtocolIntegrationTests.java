package dev.wtfallback.web.ssesession;

import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.wtfallback.core.CloseInfo;
import dev.wtfallback.core.WtConnection;
import dev.wtfallback.core.qmux.Frame;
import dev.wtfallback.core.qmux.Frame.CloseFrame;
import dev.wtfallback.core.qmux.Frame.TransportParametersFrame;
import dev.wtfallback.core.qmux.FrameDecoder;
import dev.wtfallback.core.qmux.QmuxErrorCode;
import dev.wtfallback.core.qmux.QmuxRuntime;
import dev.wtfallback.core.qmux.QmuxSession;
import dev.wtfallback.core.qmux.QmuxSettings;
import dev.wtfallback.core.qmux.TransportParameters;
import dev.wtfallback.testsupport.EventStream;
import dev.wtfallback.testsupport.ServerSentEvent;
import dev.wtfallback.testsupport.SseClientTransport;
import dev.wtfallback.testsupport.SseSessionTestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests of the SSE+POST wire protocol on a real Tomcat with raw HTTP requests: the session
 * event, record events, POST sequencing, refusals and how the stream ends.
 */
@SpringBootTest(classes = SseSessionTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "fallback.websocket.protocols=echo",
				"fallback.security.allowed-origins=https://app.example", "fallback.security.allow-credentials=true",
				"fallback.sse-session.heartbeat-interval=200ms", "spring.mvc.async.request-timeout=1s",
				"logging.level.dev.wtfallback=debug" })
class SseSessionProtocolIntegrationTests {

	private static final String OPEN = "/wt-sse?protocols=qmux-01.echo,qmux-02,qmux-02.echo";

	@LocalServerPort
	private int port;

	@Autowired
	private EchoConnections connections;

	private SseSessionTestClient client;

	@BeforeEach
	void createClient() {
		this.connections.reset();
		this.client = SseSessionTestClient.create(this.port);
	}

	@Test
	void sessionEventComesFirstAndNamesTheProtocolTheServerPrefers() throws Exception {
		try (EventStream stream = this.client.open(OPEN)) {
			ServerSentEvent session = stream.next();
			ServerSentEvent parameters = stream.next();

			assertThat(stream.status()).isEqualTo(200);
			assertThat(stream.headers().firstValue("Content-Type")).hasValue("text/event-stream;charset=UTF-8");
			assertThat(stream.headers().firstValue("Cache-Control")).hasValue("no-cache");
			assertThat(stream.headers().firstValue("X-Accel-Buffering")).hasValue("no");
			assertThat(session.name()).isEqualTo("session");
			String id = (String) session.json().get("id");
			assertThat(id).matches("[A-Za-z0-9_-]{22}");
			assertThat(session.json()).containsEntry("protocol", "qmux-02.echo").containsEntry("post", "/wt-sse/" + id);
			assertThat(parameters.name()).isEqualTo("message");
			assertThat(parameters.id()).isEqualTo("0");
			assertThat(FrameDecoder.decode(parameters.record())).first().isInstanceOf(TransportParametersFrame.class);
		}
	}

	@Test
	void idleStreamCarriesHeartbeatCommentsPastTheAsyncRequestTimeout() throws Exception {
		try (EventStream stream = this.client.open(OPEN)) {
			stream.next("session");
			WtConnection server = this.connections.next();

			await().atMost(Duration.ofSeconds(5)).until(() -> stream.comments() >= 8);
			assertThat(server.isOpen()).isTrue();
		}
	}

	@Test
	void openingWithoutAnAcceptableProtocolIsRefusedWithTheAcceptedTokens() throws Exception {
		try (EventStream stream = this.client.open("/wt-sse?protocols=qmux-03,chat")) {
			assertThat(stream.status()).isEqualTo(400);
			assertThat(stream.errorBody()).contains("'qmux-03,chat'")
				.contains("qmux-02.echo, qmux-01.echo, qmux-02, qmux-01");
		}
	}

	@Test
	void openingWithoutProtocolsIsRefused() throws Exception {
		try (EventStream stream = this.client.open("/wt-sse")) {
			assertThat(stream.status()).isEqualTo(400);
		}
	}

	@Test
	void foreignOriginIsRefused() throws Exception {
		try (EventStream stream = this.client.withHeader("Origin", "https://evil.example").open(OPEN)) {
			assertThat(stream.status()).isEqualTo(403);
		}
	}

	@Test
	void allowedOriginMayReadTheStreamAcrossOrigins() throws Exception {
		try (EventStream stream = this.client.withHeader("Origin", "https://app.example").open(OPEN)) {
			assertThat(stream.status()).isEqualTo(200);
			assertThat(stream.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example");
			assertThat(stream.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
			assertThat(stream.next().name()).isEqualTo("session");
		}
	}

	@Test
	void allowedOriginMayPostAfterAPreflight() throws Exception {
		HttpResponse<byte[]> preflight = this.client.send(this.client.request("/wt-sse/any-session")
			.method("OPTIONS", BodyPublishers.noBody())
			.header("Origin", "https://app.example")
			.header("Access-Control-Request-Method", "POST")
			.header("Access-Control-Request-Headers", "content-type,qmux-sequence"));

		assertThat(preflight.statusCode()).isEqualTo(200);
		assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example");
		assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow().toLowerCase())
			.contains("content-type", "qmux-sequence");
	}

	@Test
	void reconnectingEventSourceIsToldToStop() throws Exception {
		try (EventStream stream = this.client.withHeader("Last-Event-ID", "4").open(OPEN)) {
			assertThat(stream.status()).isEqualTo(204);
		}
	}

	@Test
	void duplicatePostIsAcknowledgedButAppliedOnce() throws Exception {
		QmuxRuntime runtime = QmuxRuntime.create("test-client-");
		SseClientTransport transport = this.client.connect(OPEN, QmuxSettings.defaults(), runtime);
		QmuxSession session = transport.session();
		WtConnection server = this.connections.next();
		try {
			session.sendDatagram("first".getBytes(StandardCharsets.UTF_8));
			await().atMost(Duration.ofSeconds(5)).until(() -> this.connections.datagramsOf(server).size() == 1);

			List<SseClientTransport.Post> accepted = transport.posts();
			for (SseClientTransport.Post post : accepted) {
				HttpResponse<String> repeated = this.client.post(transport.postPath(), post.sequence(), post.body());
				assertThat(repeated.statusCode()).isEqualTo(204);
				assertThat(repeated.headers().firstValue("QMux-Duplicate")).hasValue("true");
			}
			session.sendDatagram("second".getBytes(StandardCharsets.UTF_8));

			await().atMost(Duration.ofSeconds(5)).until(() -> this.connections.datagramsOf(server).size() == 2);
			assertThat(accepted).isNotEmpty();
			assertThat(this.connections.datagramsOf(server)).containsExactly("first", "second");
			assertThat(server.isOpen()).isTrue();
		}
		finally {
			session.close();
			runtime.close();
		}
	}

	@Test
	void sequenceGapIsRefusedWithTheExpectedSequence() throws Exception {
		try (EventStream stream = this.client.open(OPEN)) {
			String post = postPath(stream);

			HttpResponse<String> early = this.client.post(post, 3, new byte[0]);
			HttpResponse<String> first = this.client.post(post, 0, clientParameters(QmuxSettings.defaults()));
			HttpResponse<String> skipping = this.client.post(post, 2, new byte[0]);

			assertThat(early.statusCode()).isEqualTo(409);
			assertThat(early.headers().firstValue("QMux-Expected-Sequence")).hasValue("0");
			assertThat(first.statusCode()).isEqualTo(204);
			assertThat(first.headers().firstValue("QMux-Duplicate")).isEmpty();
			assertThat(skipping.statusCode()).isEqualTo(409);
			assertThat(skipping.headers().firstValue("QMux-Expected-Sequence")).hasValue("1");
		}
	}

	@Test
	void postToAnUnknownSessionIsNotFound() throws Exception {
		HttpResponse<String> response = this.client.post("/wt-sse/AAAAAAAAAAAAAAAAAAAAAA", 0, new byte[0]);

		assertThat(response.statusCode()).isEqualTo(404);
	}

	@Test
	void postToAnEndedSessionIsNotFound() throws Exception {
		try (EventStream stream = this.client.open(OPEN)) {
			String post = postPath(stream);
			this.connections.next().close();
			assertThat(stream.awaitEnd()).isTrue();

			HttpResponse<String> response = this.client.post(post, 0, new byte[0]);

			assertThat(response.statusCode()).isEqualTo(404);
		}
	}

	@Test
	void postByAnotherPrincipalIsForbidden() throws Exception {
		SseSessionTestClient alice = this.client.withHeader(SseSessionTestApplication.USER_HEADER, "alice");
		try (EventStream stream = alice.open(OPEN)) {
			String post = postPath(stream);

			HttpResponse<String> byBob = this.client.withHeader(SseSessionTestApplication.USER_HEADER, "bob")
				.post(post, 0, new byte[0]);
			HttpResponse<String> anonymous = this.client.post(post, 0, new byte[0]);
			HttpResponse<String> byAlice = alice.post(post, 0, new byte[0]);

			assertThat(byBob.statusCode()).isEqualTo(403);
			assertThat(anonymous.statusCode()).isEqualTo(403);
			assertThat(byAlice.statusCode()).isEqualTo(204);
		}
	}

	@Test
	void postFromAForeignOriginIsForbidden() throws Exception {
		try (EventStream stream = this.client.open(OPEN)) {
			String post = postPath(stream);

			HttpResponse<String> response = this.client.withHeader("Origin", "https://evil.example")
				.post(post, 0, new byte[0]);

			assertThat(response.statusCode()).isEqualTo(403);
		}
	}

	@Test
	void postLargerThanTheLimitIsRefusedAndConsumesNoSequence() throws Exception {
		try (EventStream stream = this.client.open(OPEN)) {
			String post = postPath(stream);
			int tooLarge = 1024 * 1024 + 1;

			HttpResponse<String> declared = this.client.post(post, 0, new byte[tooLarge]);
			HttpResponse<String> streamed = this.client.post(post, "application/octet-stream", "0",
					SseSessionTestClient.streamed(tooLarge));
			HttpResponse<String> fitting = this.client.post(post, 0, new byte[0]);

			assertThat(declared.statusCode()).isEqualTo(413);
			assertThat(streamed.statusCode()).isEqualTo(413);
			assertThat(fitting.statusCode()).isEqualTo(204);
		}
	}

	@Test
	void postWithAnotherContentTypeIsRefused() throws Exception {
		try (EventStream stream = this.client.open(OPEN)) {
			String post = postPath(stream);

			HttpResponse<String> text = this.client.post(post, "text/plain", "0", BodyPublishers.ofString("x"));
			HttpResponse<String> none = this.client.post(post, null, "0", BodyPublishers.ofString("x"));

			assertThat(text.statusCode()).isEqualTo(415);
			assertThat(none.statusCode()).isEqualTo(415);
		}
	}

	@Test
	void postWithoutSequenceIsRefused() throws Exception {
		try (EventStream stream = this.client.open(OPEN)) {
			String post = postPath(stream);

			HttpResponse<String> response = this.client.post(post, "application/octet-stream", null,
					BodyPublishers.noBody());

			assertThat(response.statusCode()).isEqualTo(400);
			assertThat(response.body()).contains("QMux-Sequence");
		}
	}

	@Test
	void recordOverTheRecordSizeLimitFailsTheSessionWithProtocolViolation() throws Exception {
		try (EventStream stream = this.client.open(OPEN)) {
			String post = postPath(stream);
			WtConnection server = this.connections.next();
			ByteBuffer oversized = ByteBuffer.allocate((int) QmuxSettings.MIN_RECORD_SIZE + 1);

			HttpResponse<String> response = this.client.post(post, 0, SseSessionTestClient.body(oversized));

			assertThat(response.statusCode()).isEqualTo(400);
			assertProtocolViolation(stream, server);
		}
	}

	@Test
	void recordRunningPastTheBodyFailsTheSessionAfterTheRecordsBeforeIt() throws Exception {
		try (EventStream stream = this.client.open(OPEN)) {
			String post = postPath(stream);
			WtConnection server = this.connections.next();
			byte[] parameters = clientParameters(QmuxSettings.defaults());
			byte[] body = new byte[parameters.length + 4];
			System.arraycopy(parameters, 0, body, 0, parameters.length);
			body[parameters.length] = 10;

			HttpResponse<String> response = this.client.post(post, 0, body);

			assertThat(response.statusCode()).isEqualTo(400);
			assertProtocolViolation(stream, server);
		}
	}

	@Test
	void serverCloseSendsTheCloseFrameThenTheCloseEventAndEndsTheStream() throws Exception {
		try (EventStream stream = this.client.open(OPEN)) {
			stream.next("session");
			WtConnection server = this.connections.next();
			ServerSentEvent parameters = stream.next();

			server.close(7, "done");
			ServerSentEvent closeFrame = stream.next();
			ServerSentEvent close = stream.next();

			assertThat(parameters.id()).isEqualTo("0");
			assertThat(closeFrame.id()).isEqualTo("1");
			assertThat(FrameDecoder.decode(closeFrame.record())).containsExactly(new CloseFrame(true, 7, 0, "done"));
			assertThat(close.name()).isEqualTo("close");
			assertThat(close.json()).isEqualTo(Map.of("code", 1000, "reason", "session closed"));
			assertThat(stream.awaitEnd()).isTrue();
		}
	}

	@Test
	void idleTimeoutStillEndsASilentSession() throws Exception {
		try (EventStream stream = this.client.open(OPEN)) {
			String post = postPath(stream);
			WtConnection server = this.connections.next();
			QmuxSettings impatient = QmuxSettings.builder().maxIdleTimeout(Duration.ofSeconds(1)).build();

			assertThat(this.client.post(post, 0, clientParameters(impatient)).statusCode()).isEqualTo(204);
			ServerSentEvent close = stream.next("close");

			assertThat(close.json()).containsEntry("code", 1001);
			assertThat(server.closed().get(5, TimeUnit.SECONDS).reason()).isEqualTo("idle timeout");
			assertThat(stream.awaitEnd()).isTrue();
		}
	}

	private static String postPath(EventStream stream) throws InterruptedException {
		assertThat(stream.status()).isEqualTo(200);
		return (String) stream.next("session").json().get("post");
	}

	private static byte[] clientParameters(QmuxSettings settings) {
		Frame frame = new TransportParametersFrame(TransportParameters.of(settings));
		return SseSessionTestClient.body(SseSessionTestClient.record(frame));
	}

	private static void assertProtocolViolation(EventStream stream, WtConnection server) throws Exception {
		ServerSentEvent close = stream.next("close");
		CloseInfo info = server.closed().get(5, TimeUnit.SECONDS);
		assertThat(close.json()).containsEntry("code", 1002);
		assertThat(info.code()).isEqualTo(QmuxErrorCode.PROTOCOL_VIOLATION.code());
		assertThat(info.local()).isTrue();
		assertThat(stream.awaitEnd()).isTrue();
	}

}
