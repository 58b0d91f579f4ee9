package dev.wtfallback.web.sse;

import java.net.Socket;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Wire tests of application shutdown with reading clients and clients that never read.
 */
class SseShutdownIntegrationTests {

	@Test
	void shutdownSendsTheFinalEventAndEndsEveryStream() throws Exception {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SseTestApplication.class)
			.properties("server.port=0", "fallback.sse.shutdown-timeout=500ms").run();
		int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		SseHub hub = context.getBean(SseHub.class);
		HttpClient http = SseWire.httpClient();
		List<SseTestClient> readers = new ArrayList<>();
		try (Socket stuck = SseWire.openRawStream(port, "/events", 4096)) {
			for (int i = 0; i < 3; i++) {
				readers.add(SseTestClient.open(http, SseWire.uri(port, "/events")));
			}
			readers.forEach(SseTestClient::awaitConnected);
			await().atMost(SseTestClient.WAIT).untilAsserted(() -> assertThat(hub.count()).isEqualTo(4));
			for (int i = 0; i < 40; i++) {
				hub.broadcast("bulk", "x".repeat(8 * 1024));
			}

			CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);

			assertThat(closing).as("context close").succeedsWithin(Duration.ofSeconds(20));
			for (SseTestClient reader : readers) {
				reader.skipTo("shutdown");
				reader.awaitEnd(SseTestClient.WAIT);
			}
			assertThat(hub.count()).isZero();
		}
		finally {
			readers.forEach(SseTestClient::close);
			context.close();
		}
	}

	/**
	 * A write blocked on a client that never reads cannot be interrupted, and graceful
	 * shutdown waits for its response; the server's write timeout, here two seconds, ends it.
	 * The small socket buffers make sure the write blocks.
	 */
	@Test
	void writeStuckAtShutdownHoldsItOnlyUntilTheServersWriteTimeout() throws Exception {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SseTestApplication.class,
				SseSlowClientIntegrationTests.SmallSocketBuffers.class)
			.properties("server.port=0", "fallback.sse.shutdown-timeout=500ms", "server.tomcat.connection-timeout=2s")
			.run();
		int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		SseHub hub = context.getBean(SseHub.class);
		try (Socket stuck = SseWire.openRawStream(port, "/events", 4096)) {
			await().atMost(SseTestClient.WAIT).untilAsserted(() -> assertThat(hub.count()).isOne());
			for (int i = 0; i < 20; i++) {
				hub.broadcast("bulk", "x".repeat(8 * 1024));
			}

			CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);

			assertThat(closing).as("context close").succeedsWithin(Duration.ofSeconds(10));
			assertThat(hub.count()).isZero();
		}
		finally {
			context.close();
		}
	}

}
