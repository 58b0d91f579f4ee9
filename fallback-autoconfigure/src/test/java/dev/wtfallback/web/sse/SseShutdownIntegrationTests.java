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
 * Wire test of application shutdown with reading clients and one that never reads.
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

}
