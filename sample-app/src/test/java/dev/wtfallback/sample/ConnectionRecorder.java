package dev.wtfallback.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import dev.wtfallback.core.OnConnect;
import dev.wtfallback.core.WtConnection;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * Test configuration that puts a recording {@link OnConnect} in front of the sample's
 * {@link EchoHandler}, so that tests can watch the server side of their connections.
 */
@TestConfiguration(proxyBeanMethods = false)
class ConnectionRecorder {

	@Bean
	@Primary
	Recording recordingOnConnect(EchoHandler echoHandler) {
		return new Recording(echoHandler);
	}

	/**
	 * Records each server-side connection, then lets the echo handler serve it.
	 */
	static final class Recording implements OnConnect {

		private static final Duration TIMEOUT = Duration.ofSeconds(5);

		private final BlockingQueue<WtConnection> connections = new LinkedBlockingQueue<>();

		private final EchoHandler delegate;

		Recording(EchoHandler delegate) {
			this.delegate = delegate;
		}

		@Override
		public void onConnect(WtConnection connection) {
			this.connections.add(connection);
			this.delegate.onConnect(connection);
		}

		/** Forget connections recorded so far. */
		void clear() {
			this.connections.clear();
		}

		/**
		 * Wait for the server to start a connection that matches, skipping others.
		 * @throws AssertionError listing the connections seen, when none matched in time
		 */
		WtConnection await(Predicate<WtConnection> condition) throws InterruptedException {
			List<String> seen = new ArrayList<>();
			long deadline = System.nanoTime() + TIMEOUT.toNanos();
			for (long left = TIMEOUT.toNanos(); left > 0; left = deadline - System.nanoTime()) {
				WtConnection connection = this.connections.poll(left, TimeUnit.NANOSECONDS);
				if (connection != null && condition.test(connection)) {
					return connection;
				}
				if (connection != null) {
					seen.add(connection.id() + " from " + connection.remoteAddress());
				}
			}
			throw new AssertionError("No matching server connection within " + TIMEOUT + "; saw " + seen);
		}

	}

}
