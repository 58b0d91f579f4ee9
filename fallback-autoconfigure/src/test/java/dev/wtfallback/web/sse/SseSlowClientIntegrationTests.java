package dev.wtfallback.web.sse;

import java.net.Socket;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Wire test of a client that never reads its socket while a hundred others keep reading. Each
 * event must reach every reader before the next is broadcast, so readers stay current while
 * the stuck client's queue grows. The server's socket send buffer is kept small so the stuck
 * client's buffers fill quickly.
 */
@SpringBootTest(classes = { SseTestApplication.class, SseSlowClientIntegrationTests.SmallSocketBuffers.class },
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "fallback.sse.client-queue.max-bytes=64KB", "fallback.sse.client-queue.max-events=1000" })
@DirtiesContext
class SseSlowClientIntegrationTests {

	private static final int READERS = 100;

	private static final int EVENTS = 60;

	@LocalServerPort
	private int port;

	@Autowired
	private SseHub hub;

	@Autowired
	private RecordingListener listener;

	@Test
	void stuckClientIsDisconnectedWhileOthersKeepReceiving() throws Exception {
		HttpClient http = SseWire.httpClient();
		List<SseTestClient> readers = new ArrayList<>();
		try (Socket stuck = SseWire.openRawStream(this.port, "/events", 4096)) {
			await().atMost(SseTestClient.WAIT).untilAsserted(() -> assertThat(this.hub.count()).isOne());
			String stuckId = this.hub.clients().get(0).id();
			for (int i = 0; i < READERS; i++) {
				readers.add(SseTestClient.open(http, SseWire.uri(this.port, "/events")));
			}
			readers.forEach(SseTestClient::awaitConnected);
			String payload = "x".repeat(8 * 1024);

			for (int i = 0; i < EVENTS; i++) {
				String data = i + ":" + payload;
				assertThat(CompletableFuture.runAsync(() -> this.hub.broadcast("bulk", data)))
					.as("broadcast %d returns without waiting for the stuck client", i)
					.succeedsWithin(SseTestClient.WAIT);
				for (SseTestClient reader : readers) {
					assertThat(reader.next("bulk").data()).startsWith(i + ":");
				}
			}
			await().atMost(SseTestClient.WAIT).untilAsserted(
					() -> assertThat(this.listener.left()).as("leaves").contains(stuckId + " OVERFLOW"));
			assertThat(this.hub.overflowCount()).isOne();
			assertThat(this.hub.count()).isEqualTo(READERS);
		}
		finally {
			readers.forEach(SseTestClient::close);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class SmallSocketBuffers {

		@Bean
		TomcatConnectorCustomizer smallSendBuffer() {
			return (connector) -> connector.setProperty("socket.txBufSize", "16384");
		}

	}

}
