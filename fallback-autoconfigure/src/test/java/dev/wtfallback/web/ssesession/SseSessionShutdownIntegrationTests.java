package dev.wtfallback.web.ssesession;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.wtfallback.core.CloseInfo;
import dev.wtfallback.core.WtConnection;
import dev.wtfallback.testsupport.EventStream;
import dev.wtfallback.testsupport.SseSessionTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that stopping the application ends open SSE+POST sessions at once, instead of the
 * web server's graceful shutdown waiting for their event streams.
 */
class SseSessionShutdownIntegrationTests {

	@Test
	void stoppingTheApplicationEndsOpenSessionsWithGoingAway() throws Exception {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SseSessionTestApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "fallback.websocket.protocols=echo",
					"server.shutdown=graceful", "spring.lifecycle.timeout-per-shutdown-phase=20s")
			.run();
		int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		try (EventStream stream = SseSessionTestClient.create(port).open("/wt-sse?protocols=qmux-02")) {
			stream.next("session");
			WtConnection server = context.getBean(EchoConnections.class).next();

			long started = System.nanoTime();
			context.close();
			long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

			assertThat(stream.next("close").json()).isEqualTo(Map.of("code", 1001, "reason", "server shutting down"));
			assertThat(stream.awaitEnd()).isTrue();
			CloseInfo info = server.closed().get(5, TimeUnit.SECONDS);
			assertThat(info.graceful()).isFalse();
			assertThat(Duration.ofMillis(millis)).isLessThan(Duration.ofSeconds(10));
		}
		finally {
			context.close();
		}
	}

}
