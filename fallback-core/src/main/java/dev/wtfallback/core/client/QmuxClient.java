package dev.wtfallback.core.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.wtfallback.core.Transport;
import dev.wtfallback.core.WtConnection;
import dev.wtfallback.core.qmux.QmuxRuntime;
import dev.wtfallback.core.qmux.QmuxSession;
import dev.wtfallback.core.qmux.QmuxSettings;
import dev.wtfallback.core.qmux.SessionContext;
import dev.wtfallback.core.qmux.Subprotocols;
import dev.wtfallback.core.qmux.Subprotocols.NegotiatedProtocol;

/**
 * Opens QMux sessions over WebSocket, in the client role, with the JDK's
 * {@link java.net.http.HttpClient}. The connections it returns behave like those a server hands
 * to its {@link dev.wtfallback.core.OnConnect} bean.
 *
 * <pre class="code">
 * try (QmuxClient client = QmuxClient.builder().applicationProtocols("chat").build()) {
 *     WtConnection connection = client.connect(URI.create("ws://localhost:8080/wt"));
 *     BidirectionalStream stream = connection.openStream();
 *     stream.write("hello".getBytes(StandardCharsets.UTF_8));
 *     stream.finish();
 * }
 * </pre>
 *
 * <p>Thread-safe; one client may open many connections. Closing the client closes the threads
 * it created, which ends its connections.
 */
public final class QmuxClient implements AutoCloseable {

	private static final SecureRandom random = new SecureRandom();

	private final QmuxSettings settings;

	private final List<String> applicationProtocols;

	private final boolean requireProtocol;

	private final Duration connectTimeout;

	private final Duration sendTimeout;

	private final Map<String, String> headers;

	private final HttpClient httpClient;

	private final QmuxRuntime runtime;

	private final boolean ownsRuntime;

	private QmuxClient(Builder builder) {
		this.settings = builder.settings;
		this.applicationProtocols = List.copyOf(builder.applicationProtocols);
		this.requireProtocol = builder.requireProtocol;
		this.connectTimeout = builder.connectTimeout;
		this.sendTimeout = builder.sendTimeout;
		this.headers = Map.copyOf(builder.headers);
		this.ownsRuntime = builder.runtime == null;
		this.runtime = this.ownsRuntime ? QmuxRuntime.create("qmux-client-") : builder.runtime;
		this.httpClient = (builder.httpClient != null) ? builder.httpClient
				: HttpClient.newBuilder().connectTimeout(this.connectTimeout).build();
	}

	/**
	 * Return a builder with the default settings.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Connect and wait for the WebSocket handshake.
	 * @param uri the endpoint, {@code ws:} or {@code wss:}
	 * @return the connection; its transport parameters are on their way
	 * @throws IOException if the handshake failed, timed out, or negotiated no QMux subprotocol
	 */
	public WtConnection connect(URI uri) throws IOException {
		try {
			return connectAsync(uri).get(this.connectTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			throw (cause instanceof IOException io) ? io : new IOException("Connecting to " + uri + " failed", cause);
		}
		catch (TimeoutException ex) {
			throw new IOException("Connecting to " + uri + " timed out after " + this.connectTimeout.toMillis()
					+ " ms");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while connecting to " + uri, ex);
		}
	}

	/**
	 * Connect without blocking the caller.
	 * @param uri the endpoint, {@code ws:} or {@code wss:}
	 * @return a future for the connection
	 */
	public CompletableFuture<WtConnection> connectAsync(URI uri) {
		List<String> offered = Subprotocols.offer(this.applicationProtocols, this.requireProtocol);
		WebSocketRecordTransport transport = new WebSocketRecordTransport((int) this.settings.maxRecordSize(),
				this.sendTimeout.toMillis());
		WebSocket.Builder builder = this.httpClient.newWebSocketBuilder().connectTimeout(this.connectTimeout);
		this.headers.forEach(builder::header);
		builder.subprotocols(offered.get(0), offered.subList(1, offered.size()).toArray(String[]::new));
		return builder.buildAsync(uri, transport).handle((webSocket, failure) -> {
			if (failure != null) {
				Throwable cause = (failure instanceof CompletionException) ? failure.getCause() : failure;
				throw new CompletionException(new IOException("WebSocket handshake with " + uri + " failed", cause));
			}
			return start(uri, webSocket, transport);
		});
	}

	private WtConnection start(URI uri, WebSocket webSocket, WebSocketRecordTransport transport) {
		NegotiatedProtocol protocol = Subprotocols.parse(webSocket.getSubprotocol()).orElse(null);
		if (protocol == null) {
			webSocket.abort();
			throw new CompletionException(new IOException("Server at " + uri
					+ " accepted none of the offered subprotocols, but '" + webSocket.getSubprotocol() + "'"));
		}
		int port = (uri.getPort() != -1) ? uri.getPort() : ("wss".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
		SessionContext context = new SessionContext("c" + HexFormat.of().formatHex(randomBytes()), Transport.WEBSOCKET,
				InetSocketAddress.createUnresolved(uri.getHost(), port), null, Map.of());
		transport.bind(webSocket);
		QmuxSession session = QmuxSession.connect(context, protocol, this.settings, transport, this.runtime);
		transport.start(session);
		return session;
	}

	private static byte[] randomBytes() {
		byte[] bytes = new byte[6];
		random.nextBytes(bytes);
		return bytes;
	}

	/**
	 * Release the threads this client created; connections still open end abruptly.
	 */
	@Override
	public void close() {
		if (this.ownsRuntime) {
			this.runtime.close();
		}
	}

	/**
	 * Builder for {@link QmuxClient}.
	 */
	public static final class Builder {

		private QmuxSettings settings = QmuxSettings.defaults();

		private final List<String> applicationProtocols = new ArrayList<>();

		private boolean requireProtocol;

		private Duration connectTimeout = Duration.ofSeconds(10);

		private Duration sendTimeout = Duration.ofSeconds(30);

		private final Map<String, String> headers = new LinkedHashMap<>();

		private HttpClient httpClient;

		private QmuxRuntime runtime;

		private Builder() {
		}

		/**
		 * Set the limits this client advertises and enforces.
		 * @param settings the settings
		 * @return this builder
		 */
		public Builder settings(QmuxSettings settings) {
			this.settings = settings;
			return this;
		}

		/**
		 * Set the application protocols to offer, best first.
		 * @param protocols the application protocols
		 * @return this builder
		 */
		public Builder applicationProtocols(String... protocols) {
			this.applicationProtocols.clear();
			this.applicationProtocols.addAll(List.of(protocols));
			return this;
		}

		/**
		 * Set whether to offer only {@code <version>.<protocol>} tokens, leaving out the bare
		 * version tokens. Default {@code false}.
		 * @param requireProtocol whether an application protocol is required
		 * @return this builder
		 */
		public Builder requireProtocol(boolean requireProtocol) {
			this.requireProtocol = requireProtocol;
			return this;
		}

		/**
		 * Set how long the TCP connect and the WebSocket handshake may take. Default 10 s.
		 * @param timeout the timeout
		 * @return this builder
		 */
		public Builder connectTimeout(Duration timeout) {
			this.connectTimeout = timeout;
			return this;
		}

		/**
		 * Set how long one record may take to leave before the connection is considered dead.
		 * Default 30 s.
		 * @param timeout the timeout
		 * @return this builder
		 */
		public Builder sendTimeout(Duration timeout) {
			this.sendTimeout = timeout;
			return this;
		}

		/**
		 * Add a header to the handshake request, such as {@code Authorization} or
		 * {@code Origin}.
		 * @param name the header name
		 * @param value the header value
		 * @return this builder
		 */
		public Builder header(String name, String value) {
			this.headers.put(name, value);
			return this;
		}

		/**
		 * Use this HTTP client instead of a new one.
		 * @param httpClient the HTTP client
		 * @return this builder
		 */
		public Builder httpClient(HttpClient httpClient) {
			this.httpClient = httpClient;
			return this;
		}

		/**
		 * Share this runtime instead of creating one; the caller then closes it.
		 * @param runtime the runtime
		 * @return this builder
		 */
		public Builder runtime(QmuxRuntime runtime) {
			this.runtime = runtime;
			return this;
		}

		/**
		 * Build the client.
		 * @return the client
		 */
		public QmuxClient build() {
			return new QmuxClient(this);
		}

	}

}
