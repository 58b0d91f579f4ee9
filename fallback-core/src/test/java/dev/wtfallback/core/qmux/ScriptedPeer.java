package dev.wtfallback.core.qmux;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import dev.wtfallback.core.Transport;
import dev.wtfallback.core.qmux.Frame.CloseFrame;
import dev.wtfallback.core.qmux.Frame.TransportParametersFrame;
import dev.wtfallback.core.qmux.Subprotocols.NegotiatedProtocol;

/**
 * A test peer that writes raw records to a server session and reads the frames it sends back.
 */
final class ScriptedPeer implements RecordTransport, AutoCloseable {

	final QmuxRuntime runtime = QmuxRuntime.create("scripted-");

	final BlockingQueue<Frame> received = new LinkedBlockingQueue<>();

	final QmuxSession session;

	volatile int closeStatus = -1;

	ScriptedPeer(QmuxSettings settings, WireVersion version) {
		SessionContext context = new SessionContext("scripted", Transport.WEBSOCKET, null, null, Map.of());
		this.session = QmuxSession.accept(context, new NegotiatedProtocol(version, ""), settings, this, this.runtime,
				(connection) -> {
				});
	}

	ScriptedPeer(QmuxSettings settings) {
		this(settings, WireVersion.QMUX_02);
	}

	@Override
	public void send(ByteBuffer record) {
		this.received.addAll(FrameDecoder.decode(record));
	}

	@Override
	public void close(int statusCode, String reason) {
		this.closeStatus = statusCode;
	}

	/** Deliver frames to the session as one record. */
	void sendFrames(Frame... frames) {
		int size = 0;
		for (Frame frame : frames) {
			size += frame.encodedSize();
		}
		ByteBuffer record = ByteBuffer.allocate(size);
		for (Frame frame : frames) {
			frame.encode(record);
		}
		this.session.onRecord(record.flip());
	}

	/** Deliver raw bytes to the session as one record. */
	void sendBytes(int... bytes) {
		ByteBuffer record = ByteBuffer.allocate(bytes.length);
		for (int b : bytes) {
			record.put((byte) b);
		}
		this.session.onRecord(record.flip());
	}

	/** Send default transport parameters, as a well-behaved peer does first. */
	void handshake(TransportParameters parameters) {
		sendFrames(new TransportParametersFrame(parameters));
	}

	void handshake() {
		handshake(TransportParameters.of(QmuxSettings.defaults()));
	}

	/** Wait for the first frame sent by the session that matches, failing after a few seconds. */
	<T extends Frame> T await(Class<T> type, Predicate<T> condition) throws InterruptedException {
		List<Frame> seen = new ArrayList<>();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (System.nanoTime() < deadline) {
			Frame frame = this.received.poll(100, TimeUnit.MILLISECONDS);
			if (frame == null) {
				continue;
			}
			seen.add(frame);
			if (type.isInstance(frame) && condition.test(type.cast(frame))) {
				return type.cast(frame);
			}
		}
		throw new AssertionError("No matching " + type.getSimpleName() + " within 5 s; received " + seen);
	}

	<T extends Frame> T await(Class<T> type) throws InterruptedException {
		return await(type, (frame) -> true);
	}

	CloseFrame awaitClose() throws InterruptedException {
		return await(CloseFrame.class);
	}

	@Override
	public void close() {
		this.runtime.close();
	}

}
