package dev.wtfallback.web.socket;

import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.wtfallback.core.OnConnect;
import dev.wtfallback.core.qmux.QmuxRuntime;
import dev.wtfallback.core.qmux.QmuxSession;
import dev.wtfallback.core.qmux.QmuxSettings;
import dev.wtfallback.core.qmux.RecordTransport;
import dev.wtfallback.core.qmux.SessionContext;
import dev.wtfallback.core.qmux.Subprotocols.NegotiatedProtocol;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;

/**
 * {@link SessionStarter} that stands in for the session engine: it records what the WebSocket
 * layer hands over and what it reports, so tests can check the plumbing on a real server.
 */
final class RecordingSessionStarter implements SessionStarter {

	private static final long TIMEOUT_SECONDS = 5;

	private final BlockingQueue<Started> started = new LinkedBlockingQueue<>();

	@Override
	public QmuxSession start(SessionContext context, NegotiatedProtocol protocol, QmuxSettings settings,
			RecordTransport transport, QmuxRuntime runtime, OnConnect handler) {
		Started session = new Started(context, protocol, transport, mock(QmuxSession.class));
		willAnswer((invocation) -> session.addRecord(invocation.getArgument(0))).given(session.engine)
			.onRecord(any());
		willAnswer((invocation) -> session.textMessages.incrementAndGet()).given(session.engine).onTextMessage();
		willAnswer((invocation) -> session.closed.complete(invocation.getArgument(0) + " " + invocation.getArgument(1)))
			.given(session.engine)
			.onTransportClosed(anyInt(), anyString());
		this.started.add(session);
		return session.engine;
	}

	/**
	 * Forget sessions that earlier tests started.
	 */
	void reset() {
		this.started.clear();
	}

	/**
	 * Wait for the next session the WebSocket layer starts.
	 * @return the session
	 * @throws InterruptedException if interrupted while waiting
	 */
	Started next() throws InterruptedException {
		Started session = this.started.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		if (session == null) {
			throw new AssertionError("No session started within " + TIMEOUT_SECONDS + " seconds");
		}
		return session;
	}

	/**
	 * One session as the engine would have seen it.
	 */
	static final class Started {

		final SessionContext context;

		final NegotiatedProtocol protocol;

		final RecordTransport transport;

		final QmuxSession engine;

		final AtomicInteger textMessages = new AtomicInteger();

		final CompletableFuture<String> closed = new CompletableFuture<>();

		private final BlockingQueue<byte[]> records = new LinkedBlockingQueue<>();

		Started(SessionContext context, NegotiatedProtocol protocol, RecordTransport transport, QmuxSession engine) {
			this.context = context;
			this.protocol = protocol;
			this.transport = transport;
			this.engine = engine;
		}

		private Object addRecord(ByteBuffer record) {
			byte[] bytes = new byte[record.remaining()];
			record.get(bytes);
			this.records.add(bytes);
			return null;
		}

		/**
		 * Wait for the next record the engine received.
		 * @return the record bytes
		 * @throws InterruptedException if interrupted while waiting
		 */
		byte[] nextRecord() throws InterruptedException {
			byte[] record = this.records.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
			if (record == null) {
				throw new AssertionError("No record within " + TIMEOUT_SECONDS + " seconds; transport closed: "
						+ this.closed.getNow("not yet") + ", text messages: " + this.textMessages.get());
			}
			return record;
		}

		/**
		 * Return how many records arrived and were not taken yet.
		 * @return the number of records
		 */
		int pendingRecords() {
			return this.records.size();
		}

	}

}
