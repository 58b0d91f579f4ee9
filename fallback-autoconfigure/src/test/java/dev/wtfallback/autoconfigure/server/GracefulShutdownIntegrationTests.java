package dev.wtfallback.autoconfigure.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.wtfallback.autoconfigure.actuate.FallbackHealthIndicator;
import dev.wtfallback.core.CloseInfo;
import dev.wtfallback.core.WtConnection;
import dev.wtfallback.core.client.QmuxClient;
import dev.wtfallback.testsupport.EventStreamLines;
import dev.wtfallback.testsupport.RawHandshake;
import dev.wtfallback.web.server.FallbackSessionRegistry;
import dev.wtfallback.web.server.SessionDrainer;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests that closing the application drains open sessions within the grace period, whatever
 * the clients do, on a real Tomcat.
 */
@Timeout(60)
class GracefulShutdownIntegrationTests {

	private static final int CLIENTS = 100;

	@Test
	void hundredSessionsAndHundredSseClientsAreClosedWithinTheGracePeriod() throws Exception {
		ConfigurableApplicationContext context = OperationsTestApplication.start("fallback.shutdown.grace-period=1s",
				"fallback.limits.max-sessions-per-address=" + CLIENTS);
		int port = OperationsTestApplication.port(context);
		HttpClient http = HttpClient.newHttpClient();
		try (QmuxClient client = QmuxClient.builder().build()) {
			List<WtConnection> sessions = new ArrayList<>();
			for (int i = 0; i < CLIENTS; i++) {
				sessions.add(client.connect(URI.create("ws://127.0.0.1:" + port + "/wt")));
			}
			List<EventStreamLines> streams = new ArrayList<>();
			for (int i = 0; i < CLIENTS; i++) {
				streams.add(EventStreamLines.open(http, URI.create("http://127.0.0.1:" + port + "/events"), Map.of()));
			}
			CompletableFuture.allOf(streams.stream().map(EventStreamLines::connected).toArray(CompletableFuture[]::new))
				.get(10, TimeUnit.SECONDS);
			FallbackSessionRegistry registry = context.getBean(FallbackSessionRegistry.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> registry.activeSessions() == CLIENTS);

			long started = System.nanoTime();
			context.close();
			Duration closing = Duration.ofNanos(System.nanoTime() - started);

			assertThat(closing).isGreaterThanOrEqualTo(Duration.ofSeconds(1)).isLessThan(Duration.ofSeconds(6));
			for (WtConnection session : sessions) {
				CloseInfo info = session.closed().get(5, TimeUnit.SECONDS);
				assertThat(info.code()).as(info.toString()).isEqualTo(SessionDrainer.CLOSE_CODE);
				assertThat(info.reason()).isEqualTo("server shutting down");
				assertThat(info.graceful()).isTrue();
				assertThat(info.local()).isFalse();
			}
			for (EventStreamLines stream : streams) {
				stream.ended().get(5, TimeUnit.SECONDS);
				assertThat(stream.sawEvent("shutdown")).as(stream.lines().toString()).isTrue();
			}
		}
		finally {
			context.close();
		}
	}

	@Test
	void whileDrainingNewHandshakesAreRefusedAndHealthIsOutOfService() throws Exception {
		ConfigurableApplicationContext context = OperationsTestApplication.start("fallback.shutdown.grace-period=20s");
		int port = OperationsTestApplication.port(context);
		FallbackSessionRegistry registry = context.getBean(FallbackSessionRegistry.class);
		FallbackHealthIndicator health = context.getBean(FallbackHealthIndicator.class);
		MeterRegistry meters = context.getBean(MeterRegistry.class);
		try (QmuxClient client = QmuxClient.builder().build()) {
			WtConnection session = client.connect(URI.create("ws://127.0.0.1:" + port + "/wt"));
			await().atMost(Duration.ofSeconds(5)).until(() -> registry.activeSessions() == 1);
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);

			CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
			await().atMost(Duration.ofSeconds(5)).until(() -> !registry.isAccepting());

			assertThat(RawHandshake.send(port, "/wt", "Sec-WebSocket-Protocol: qmux-02").statusCode()).isEqualTo(503);
			assertThat(meters.get("fallback.handshakes.refused")
				.tags("transport", "websocket", "reason", "shutdown")
				.functionCounter()
				.count()).isEqualTo(1);
			assertThat(health.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
			assertThat(closing).isNotDone();
			session.close(0, "finished in time");
			closing.get(10, TimeUnit.SECONDS);
		}
		finally {
			context.close();
		}
	}

}
