package dev.wtfallback.web.sse;

import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.catalina.Container;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Wire tests of heartbeats and of many clients that connect and vanish, with a short
 * heartbeat interval so that vanished clients are noticed quickly. Every vanished client must
 * leave the hub once and its request must end in the container too.
 */
@SpringBootTest(classes = SseTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "fallback.sse.heartbeat-interval=100ms")
@DirtiesContext
class SseChurnIntegrationTests {

	private static final int CLIENTS = 1000;

	@LocalServerPort
	private int port;

	@Autowired
	private SseHub hub;

	@Autowired
	private RecordingListener listener;

	@Autowired
	private WebServerApplicationContext context;

	@Test
	void heartbeatCommentsArriveOnIdleStreams() {
		try (SseTestClient client = SseTestClient.open(SseWire.httpClient(), SseWire.uri(this.port, "/events"))) {
			client.awaitConnected();

			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(client.comments()).as("comments so far").contains(" heartbeat"));
		}
	}

	@Test
	void countReturnsToZeroAfterAThousandClientsConnectAndVanish() throws Exception {
		int joinedBefore = this.listener.joined().size();
		ExecutorService pool = Executors.newFixedThreadPool(16);
		try {
			List<Future<?>> runs = new ArrayList<>();
			for (int i = 0; i < CLIENTS; i++) {
				int mode = i % 3;
				runs.add(pool.submit(() -> {
					connectAndVanish(mode);
					return null;
				}));
			}
			for (Future<?> run : runs) {
				run.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}

		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(this.hub.count())
			.as("open clients after churn").isZero());
		List<String> joined = this.listener.joined().subList(joinedBefore, this.listener.joined().size());
		assertThat(joined).as("clients the hub accepted").hasSizeGreaterThanOrEqualTo(CLIENTS * 2 / 3);
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(joined)
			.as("clients that did not leave exactly once")
			.filteredOn((id) -> this.listener.leaves(id) != 1)
			.isEmpty());
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(asyncRequestsInProgress())
			.as("asynchronous requests the container still holds open").isZero());
	}

	/**
	 * Count the asynchronous requests Tomcat has not completed; one it never completes would
	 * hold up graceful shutdown until its timeout.
	 */
	private long asyncRequestsInProgress() {
		Tomcat tomcat = ((TomcatWebServer) this.context.getWebServer()).getTomcat();
		long count = 0;
		for (Container host : tomcat.getEngine().findChildren()) {
			for (Container context : host.findChildren()) {
				count += ((StandardContext) context).getInProgressAsyncCount();
			}
		}
		return count;
	}

	/**
	 * Mode 0 reads the connected event and closes; mode 1 closes right after sending the
	 * request; mode 2 resets the connection right after sending the request.
	 */
	private void connectAndVanish(int mode) throws Exception {
		try (Socket socket = SseWire.openRawStream(this.port, "/events", 0)) {
			if (mode == 0) {
				SseWire.readUntil(socket, "event: connected");
			}
			else if (mode == 2) {
				socket.setSoLinger(true, 0);
			}
		}
	}

}
