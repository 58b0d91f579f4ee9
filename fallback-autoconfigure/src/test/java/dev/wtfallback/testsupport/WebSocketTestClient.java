package dev.wtfallback.testsupport;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A JDK WebSocket client that records what the server sends: whole binary messages and the
 * close status.
 */
public final class WebSocketTestClient implements WebSocket.Listener, AutoCloseable {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final BlockingQueue<byte[]> binaryMessages = new LinkedBlockingQueue<>();

	private final CompletableFuture<String> closed = new CompletableFuture<>();

	private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

	private WebSocket webSocket;

	private WebSocketTestClient() {
	}

	/**
	 * Open a WebSocket, offering the given subprotocols, best first.
	 * @param uri the endpoint
	 * @param protocols the subprotocols to offer; at least one
	 * @return the connected client
	 * @throws Exception if the handshake failed or timed out
	 */
	public static WebSocketTestClient connect(URI uri, String... protocols) throws Exception {
		return connect(uri, Map.of(), protocols);
	}

	/**
	 * Open a WebSocket with extra request headers, offering the given subprotocols, best first.
	 * @param uri the endpoint
	 * @param headers headers to add to the upgrade request
	 * @param protocols the subprotocols to offer
	 * @return the connected client
	 * @throws Exception if the handshake failed or timed out
	 */
	public static WebSocketTestClient connect(URI uri, Map<String, String> headers, String... protocols)
			throws Exception {
		WebSocketTestClient client = new WebSocketTestClient();
		WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(TIMEOUT);
		headers.forEach(builder::header);
		if (protocols.length > 0) {
			builder.subprotocols(protocols[0], List.of(protocols).subList(1, protocols.length).toArray(String[]::new));
		}
		client.webSocket = builder.buildAsync(uri, client).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		return client;
	}

	/**
	 * Return the underlying WebSocket, to send messages.
	 * @return the WebSocket
	 */
	public WebSocket webSocket() {
		return this.webSocket;
	}

	/**
	 * Wait for the next whole binary message.
	 * @return the message bytes
	 * @throws Exception if none arrived in time
	 */
	public byte[] nextBinaryMessage() throws Exception {
		byte[] message = this.binaryMessages.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		if (message == null) {
			throw new AssertionError("No binary message within " + TIMEOUT + "; closed: " + describeClose());
		}
		return message;
	}

	/**
	 * Wait for the server to close the WebSocket.
	 * @return the close status code and reason, as {@code "code reason"}
	 * @throws Exception if the server did not close in time
	 */
	public String awaitClose() throws Exception {
		return this.closed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
	}

	/**
	 * Return how the server closed the WebSocket so far.
	 * @return the close status, or a note that it is still open
	 */
	public String describeClose() {
		return this.closed.getNow("still open");
	}

	@Override
	public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
		byte[] bytes = new byte[data.remaining()];
		data.get(bytes);
		synchronized (this.partial) {
			this.partial.writeBytes(bytes);
			if (last) {
				this.binaryMessages.add(this.partial.toByteArray());
				this.partial.reset();
			}
		}
		webSocket.request(1);
		return null;
	}

	@Override
	public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
		webSocket.request(1);
		return null;
	}

	@Override
	public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
		this.closed.complete(statusCode + " " + reason);
		return null;
	}

	@Override
	public void onError(WebSocket webSocket, Throwable error) {
		this.closed.complete("error " + error);
	}

	@Override
	public void close() {
		if (this.webSocket != null) {
			this.webSocket.abort();
		}
	}

}
