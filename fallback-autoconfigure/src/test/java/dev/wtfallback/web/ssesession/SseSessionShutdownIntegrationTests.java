package dev.wtfallback.web.ssesession;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.wtfallback.core.CloseInfo;
import dev.wtfallback.core.WtConnection;
import dev.wtfallback.testsupport.EventStream;
import dev.wtfallback.testsupport.SseSessionTestClient;
import dev.wtfallback.web.server.SessionDrainer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that stopping the application closes open SSE+POST sessions once the shutdown grace
 * period is over, instead of the web server's graceful shutdown waiting for their event
 * streams.
 */
class SseSessionShutdownIntegrationTests {

	@Test
	void stoppingTheApplicationClosesOpenSessionsAfterTheGracePeriod() throws Exception {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SseSessionTestApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "fallback.websocket.protocols=echo",
					"server.shutdown=graceful", "spring.lifecycle.timeout-per-shutdown-phase=20s",
					"fallback.shutdown.grace-period=1s")
			.run();
		int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		try (EventStream stream = SseSessionTestClient.create(port).open("/wt-sse?protocols=qmux-02")) {
			stream.next("session");
			WtConnection server = context.getBean(EchoConnections.class).next();

			long started = System.nanoTime();
			context.close();
			long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

			assertThat(stream.next("close")).isNotNull();
			assertThat(stream.awaitEnd()).isTrue();
			CloseInfo info = server.closed().get(5, TimeUnit.SECONDS);
			assertThat(info.code()).isEqualTo(SessionDrainer.CLOSE_CODE);
			assertThat(info.reason()).isEqualTo(SessionDrainer.CLOSE_REASON);
			assertThat(info.graceful()).isTrue();
			assertThat(Duration.ofMillis(millis)).isGreaterThanOrEqualTo(Duration.ofSeconds(1))
				.isLessThan(Duration.ofSeconds(6));
		}
		finally {
			context.close();
		}
	}

}
