package dev.wtfallback.sample;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import dev.wtfallback.core.qmux.Frame;
import dev.wtfallback.core.qmux.FrameDecoder;
import dev.wtfallback.core.qmux.QmuxProtocolException;
import dev.wtfallback.core.qmux.QmuxSettings;
import dev.wtfallback.core.qmux.TransportParameters;

/**
 * A hand-driven QMux peer on the JDK WebSocket client: it sends exactly the records a test
 * builds, answers nothing on its own (not even QX_PING) and decodes every record the server
 * sends into a queue of frames.
 */
final class RawQmuxPeer implements WebSocket.Listener, AutoCloseable {

	static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();

	/** Everything received so far, in order, to report when a wait fails. */
	private final List<String> log = new ArrayList<>();

	private final CompletableFuture<Integer> closeStatus = new CompletableFuture<>();

	private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

	private WebSocket webSocket;

	private RawQmuxPeer() {
	}

	/**
	 * Open a WebSocket to {@code /wt} on loopback offering only the bare {@code qmux-02}
	 * subprotocol; nothing is sent yet.
	 */
	static RawQmuxPeer connect(int port) throws Exception {
		RawQmuxPeer peer = new RawQmuxPeer();
		peer.webSocket = HttpClient.newHttpClient()
			.newWebSocketBuilder()
			.connectTimeout(TIMEOUT)
			.subprotocols("qmux-02")
			.buildAsync(URI.create("ws://127.0.0.1:" + port + "/wt"), peer)
			.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		return peer;
	}

	String subprotocol() {
		return this.webSocket.getSubprotocol();
	}

	/** Send QX_TRANSPORT_PARAMETERS announcing the given settings, as one record. */
	void sendTransportParameters(QmuxSettings settings) throws Exception {
		send(new Frame.TransportParametersFrame(TransportParameters.of(settings)));
	}

	/** Send the frames back to back as one record. */
	void send(Frame... frames) throws Exception {
		int size = 0;
		for (Frame frame : frames) {
			size += frame.encodedSize();
		}
		ByteBuffer record = ByteBuffer.allocate(size);
		for (Frame frame : frames) {
			frame.encode(record);
		}
		sendRecord(record.flip());
	}

	/** Send arbitrary bytes as one binary message. */
	void sendRecord(ByteBuffer record) throws Exception {
		this.webSocket.sendBinary(record, true).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
	}

	void sendText(String text) throws Exception {
		this.webSocket.sendText(text, true).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Wait for the next frame of the given type, skipping others.
	 * @throws AssertionError naming what did arrive, when none came in time
	 */
	<T extends Frame> T awaitFrame(Class<T> type) throws InterruptedException {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		for (long left = TIMEOUT.toNanos(); left > 0; left = deadline - System.nanoTime()) {
			Frame frame = this.frames.poll(left, TimeUnit.NANOSECONDS);
			if (type.isInstance(frame)) {
				return type.cast(frame);
			}
		}
		throw new AssertionError("No " + type.getSimpleName() + " within " + TIMEOUT + "; " + describe());
	}

	/**
	 * Wait for the server to close the WebSocket.
	 * @return the close status code, or -1 when the connection failed instead
	 * @throws AssertionError naming what did arrive, when the WebSocket stayed open
	 */
	int awaitClose(Duration timeout) throws Exception {
		try {
			return this.closeStatus.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			throw new AssertionError("WebSocket still open after " + timeout + "; " + describe());
		}
	}

	/** Describe what arrived so far and whether the WebSocket closed. */
	synchronized String describe() {
		return "received " + this.log.stream().collect(Collectors.joining(", ", "[", "]")) + ", WebSocket "
				+ (this.closeStatus.isDone() ? "closed with " + this.closeStatus.join() : "open");
	}

	@Override
	public void onOpen(WebSocket webSocket) {
		webSocket.request(Long.MAX_VALUE);
	}

	@Override
	public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
		byte[] bytes = new byte[data.remaining()];
		data.get(bytes);
		this.partial.writeBytes(bytes);
		if (last) {
			decode(this.partial.toByteArray());
			this.partial.reset();
		}
		return null;
	}

	private synchronized void decode(byte[] record) {
		try {
			for (Frame frame : FrameDecoder.decode(ByteBuffer.wrap(record))) {
				this.log.add(frame.getClass().getSimpleName()
						+ ((frame instanceof Frame.CloseFrame) ? frame.toString() : ""));
				this.frames.add(frame);
			}
		}
		catch (QmuxProtocolException ex) {
			this.log.add("undecodable record of " + record.length + " bytes: " + ex.getMessage());
		}
	}

	@Override
	public synchronized CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
		this.log.add("text message '" + data + "'");
		return null;
	}

	@Override
	public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
		this.closeStatus.complete(statusCode);
		return null;
	}

	@Override
	public void onError(WebSocket webSocket, Throwable error) {
		synchronized (this) {
			this.log.add("transport error " + error);
		}
		this.closeStatus.complete(-1);
	}

	@Override
	public void close() {
		this.webSocket.abort();
	}

}
