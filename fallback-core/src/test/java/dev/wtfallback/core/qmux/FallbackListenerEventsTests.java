package dev.wtfallback.core.qmux;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.wtfallback.core.BidirectionalStream;
import dev.wtfallback.core.FallbackListener;
import dev.wtfallback.core.Transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests that sessions report what they do to the runtime's {@link FallbackListener}.
 */
@Timeout(30)
class FallbackListenerEventsTests {

	private final RecordingListener listener = new RecordingListener();

	@Test
	void sessionsStreamsBytesAndDatagramsAreReported() throws Exception {
		try (SessionPair pair = new SessionPair(QmuxSettings.defaults(), QmuxSettings.defaults(), this.listener)) {
			BidirectionalStream out = pair.client.openStream();
			out.write(new byte[1000]);
			out.finish();
			BidirectionalStream in = pair.server.acceptStream();
			in.readAllBytes(2000);
			in.finish();
			out.readAllBytes(10);
			pair.client.sendDatagram(new byte[] { 1 });
			pair.server.receiveDatagram();

			pair.client.close(0, "done");
			pair.server.closed().get(10, TimeUnit.SECONDS);

			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				assertThat(this.listener.count("sessionOpened")).isEqualTo(2);
				assertThat(this.listener.count("sessionClosed:GRACEFUL")).isEqualTo(2);
				assertThat(this.listener.count("streamOpened")).isEqualTo(2);
				assertThat(this.listener.count("streamClosed")).isEqualTo(2);
				assertThat(this.listener.count("datagramSent")).isEqualTo(1);
				assertThat(this.listener.count("datagramReceived")).isEqualTo(1);
				assertThat(this.listener.bytesSent.get()).isEqualTo(this.listener.bytesReceived.get())
					.isGreaterThan(1000);
			});
		}
	}

	@Test
	void resetsAndProtocolErrorsAreReported() throws Exception {
		try (SessionPair pair = new SessionPair(QmuxSettings.defaults(), QmuxSettings.defaults(), this.listener)) {
			BidirectionalStream out = pair.client.openStream();
			out.write(new byte[1]);
			pair.server.acceptStream();
			out.reset(3);

			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				assertThat(this.listener.count("streamReset:local")).isEqualTo(1);
				assertThat(this.listener.count("streamReset:peer")).isEqualTo(1);
			});
			pair.server.onTextMessage();

			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				assertThat(this.listener.count("protocolError:PROTOCOL_VIOLATION")).isEqualTo(1);
				assertThat(this.listener.count("sessionClosed:ERROR")).isEqualTo(2);
			});
		}
	}

	/**
	 * Counts events by name.
	 */
	static final class RecordingListener implements FallbackListener {

		final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

		final AtomicLong bytesSent = new AtomicLong();

		final AtomicLong bytesReceived = new AtomicLong();

		long count(String name) {
			AtomicLong count = this.counts.get(name);
			return (count != null) ? count.get() : 0;
		}

		private void add(String name) {
			this.counts.computeIfAbsent(name, (key) -> new AtomicLong()).incrementAndGet();
		}

		@Override
		public void sessionOpened(Transport transport) {
			add("sessionOpened");
		}

		@Override
		public void sessionClosed(Transport transport, CloseOutcome outcome) {
			add("sessionClosed:" + outcome);
		}

		@Override
		public void streamOpened(Transport transport, boolean bidirectional, boolean local) {
			add("streamOpened");
		}

		@Override
		public void streamClosed(Transport transport, boolean bidirectional) {
			add("streamClosed");
		}

		@Override
		public void streamReset(Transport transport, boolean byPeer) {
			add("streamReset:" + (byPeer ? "peer" : "local"));
		}

		@Override
		public void bytesReceived(Transport transport, long bytes) {
			this.bytesReceived.addAndGet(bytes);
		}

		@Override
		public void bytesSent(Transport transport, long bytes) {
			this.bytesSent.addAndGet(bytes);
		}

		@Override
		public void datagramReceived(Transport transport) {
			add("datagramReceived");
		}

		@Override
		public void datagramSent(Transport transport) {
			add("datagramSent");
		}

		@Override
		public void protocolError(Transport transport, String errorName) {
			add("protocolError:" + errorName);
		}

	}

}
