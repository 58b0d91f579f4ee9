package dev.wtfallback.autoconfigure.actuate;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.wtfallback.core.BidirectionalStream;
import dev.wtfallback.core.OnConnect;
import dev.wtfallback.core.StreamResetException;
import dev.wtfallback.core.WtConnection;
import dev.wtfallback.web.sse.SseMessageHandler;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.fail;

/**
 * Application for the actuator tests: echoes bidirectional streams until the peer's FIN, skips
 * streams the peer resets, echoes datagrams, and records the connections it serves.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
class ActuatorTestApplication {

	@Bean
	Served served() {
		return new Served();
	}

	@Bean
	SseMessageHandler sseMessageHandler() {
		return (client, message) -> {
		};
	}

	@Bean
	OnConnect onConnect(Served served) {
		return (connection) -> {
			served.connections.add(connection);
			echoDatagrams(connection);
			while (true) {
				BidirectionalStream stream = connection.acceptStream();
				served.connections.add(connection);
				try {
					stream.write(stream.readAllBytes(1 << 20));
					stream.finish();
				}
				catch (StreamResetException ex) {
					// The client aborted this stream; the session goes on.
				}
			}
		};
	}

	private static void echoDatagrams(WtConnection connection) {
		connection.receiveDatagramAsync().thenAccept((datagram) -> {
			try {
				connection.sendDatagram(datagram);
				echoDatagrams(connection);
			}
			catch (Exception ex) {
				// The session ended; nothing to echo any more.
			}
		});
	}

	/**
	 * What the application served: each connection once when it arrives, and again for each
	 * stream it accepts.
	 */
	static final class Served {

		private final BlockingQueue<WtConnection> connections = new LinkedBlockingQueue<>();

		WtConnection next() throws InterruptedException {
			WtConnection connection = this.connections.poll(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
			if (connection == null) {
				fail("Nothing was served within 5 seconds");
			}
			return connection;
		}

	}

}
