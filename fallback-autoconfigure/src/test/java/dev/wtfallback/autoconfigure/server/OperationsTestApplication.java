package dev.wtfallback.autoconfigure.server;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.wtfallback.core.BidirectionalStream;
import dev.wtfallback.core.OnConnect;
import dev.wtfallback.core.WtConnection;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.fail;

/**
 * Application for the operations tests: echoes bidirectional streams and datagrams and
 * records every connection it serves.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
class OperationsTestApplication {

	@Bean
	Connections connections() {
		return new Connections();
	}

	@Bean
	OnConnect onConnect(Connections connections) {
		return (connection) -> {
			connections.served.add(connection);
			echoDatagrams(connection);
			while (true) {
				BidirectionalStream stream = connection.acceptStream();
				stream.write(stream.readAllBytes(1 << 20));
				stream.finish();
			}
		};
	}

	private static void echoDatagrams(WtConnection connection) {
		connection.receiveDatagramAsync().thenAccept((datagram) -> {
			try {
				connection.sendDatagram(datagram);
				echoDatagrams(connection);
			}
			catch (IOException ex) {
				// The session ended; nothing to echo any more.
			}
		});
	}

	/**
	 * Start the application on a random port of the loopback address. Sessions still open
	 * when it closes are closed at once, unless the properties set a grace period.
	 * @param properties more properties, which take precedence over application.properties
	 * @return the running context
	 */
	static ConfigurableApplicationContext start(String... properties) {
		return start(OperationsTestApplication.class, properties);
	}

	static ConfigurableApplicationContext start(Class<?> application, String... properties) {
		return new SpringApplicationBuilder(application)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"fallback.shutdown.grace-period=0s")
			.run(Arrays.stream(properties).map((property) -> "--" + property).toArray(String[]::new));
	}

	static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	/**
	 * The connections the application served, in order.
	 */
	static final class Connections {

		private final BlockingQueue<WtConnection> served = new LinkedBlockingQueue<>();

		WtConnection next() throws InterruptedException {
			WtConnection connection = this.served.poll(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
			if (connection == null) {
				fail("No connection was served within 5 seconds");
			}
			return connection;
		}

	}

}
