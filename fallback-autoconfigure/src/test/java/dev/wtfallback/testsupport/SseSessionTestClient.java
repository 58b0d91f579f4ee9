package dev.wtfallback.testsupport;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.wtfallback.core.Transport;
import dev.wtfallback.core.qmux.Frame;
import dev.wtfallback.core.qmux.QmuxRuntime;
import dev.wtfallback.core.qmux.QmuxSession;
import dev.wtfallback.core.qmux.QmuxSettings;
import dev.wtfallback.core.qmux.SessionContext;
import dev.wtfallback.core.qmux.Subprotocols;
import dev.wtfallback.core.qmux.VarInts;

/**
 * A client of the SSE+POST session transport, on the JDK's {@link HttpClient}: raw requests
 * for tests of the wire protocol, and {@link #connect} for a client-role QMux session over
 * them. Extra headers, such as {@code Origin} or a test user, go on every request.
 */
public final class SseSessionTestClient {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final HttpClient http;

	private final String base;

	private final Map<String, String> headers;

	private SseSessionTestClient(HttpClient http, String base, Map<String, String> headers) {
		this.http = http;
		this.base = base;
		this.headers = Map.copyOf(headers);
	}

	/**
	 * Create a client for a server on loopback.
	 * @param port the server's port
	 * @return the client
	 */
	public static SseSessionTestClient create(int port) {
		HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
		return new SseSessionTestClient(http, "http://127.0.0.1:" + port, Map.of());
	}

	/**
	 * Return a client that adds a header to every request.
	 * @param name the header name
	 * @param value the header value
	 * @return the new client, sharing this one's connections
	 */
	public SseSessionTestClient withHeader(String name, String value) {
		Map<String, String> more = new LinkedHashMap<>(this.headers);
		more.put(name, value);
		return new SseSessionTestClient(this.http, this.base, more);
	}

	/**
	 * Send a {@code GET} for an event stream.
	 * @param pathAndQuery such as {@code /wt-sse?protocols=qmux-02}
	 * @return the answer, its events parsed as they arrive
	 */
	public EventStream open(String pathAndQuery) throws IOException, InterruptedException {
		HttpRequest.Builder request = request(pathAndQuery).GET().header("Accept", "text/event-stream");
		return new EventStream(this.http.send(request.build(), BodyHandlers.ofInputStream()));
	}

	/**
	 * POST records, as a client of the protocol does.
	 * @param path the path from the session event
	 * @param sequence the sequence number
	 * @param body the length-prefixed records
	 * @return the answer
	 */
	public HttpResponse<String> post(String path, long sequence, byte[] body) throws IOException, InterruptedException {
		return post(path, "application/octet-stream", Long.toString(sequence), BodyPublishers.ofByteArray(body));
	}

	/**
	 * POST anything.
	 * @param path the path
	 * @param contentType the content type, or {@code null} for none
	 * @param sequence the sequence header, or {@code null} for none
	 * @param body the body
	 * @return the answer
	 */
	public HttpResponse<String> post(String path, String contentType, String sequence, BodyPublisher body)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = request(path).POST(body);
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		if (sequence != null) {
			request.header("QMux-Sequence", sequence);
		}
		return this.http.send(request.build(), BodyHandlers.ofString());
	}

	/**
	 * Send a request for any path and read the answer as bytes.
	 * @param request the request, whose URI is resolved against the server
	 * @return the answer
	 */
	public HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException, InterruptedException {
		return this.http.send(request.build(), BodyHandlers.ofByteArray());
	}

	/**
	 * Start a request for a path of the server, with this client's headers.
	 * @param pathAndQuery the path and query
	 * @return the request builder
	 */
	public HttpRequest.Builder request(String pathAndQuery) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.base + pathAndQuery)).timeout(TIMEOUT);
		this.headers.forEach(request::header);
		return request;
	}

	/**
	 * Open a session and run the client role of QMux over it.
	 * @param pathAndQuery the event stream's path and query, offering subprotocols
	 * @param settings the limits the client advertises
	 * @param runtime the client's threads
	 * @return the transport, which holds the session
	 * @throws IOException if the server refused or sent no session event
	 */
	public SseClientTransport connect(String pathAndQuery, QmuxSettings settings, QmuxRuntime runtime)
			throws IOException, InterruptedException {
		EventStream stream = open(pathAndQuery);
		if (stream.status() != 200) {
			throw new IOException("Server answered " + stream.status() + ": " + stream.errorBody());
		}
		ServerSentEvent first = stream.next();
		if (!first.name().equals("session")) {
			stream.close();
			throw new IOException("First event is not the session event: " + first);
		}
		String protocol = (String) first.json().get("protocol");
		SseClientTransport transport = new SseClientTransport(this, (String) first.json().get("post"), stream);
		SessionContext context = new SessionContext("client-" + first.json().get("id"), Transport.SSE,
				InetSocketAddress.createUnresolved("127.0.0.1", URI.create(this.base).getPort()), null, Map.of());
		transport.start(QmuxSession.connect(context, Subprotocols.parse(protocol).orElseThrow(), settings, transport,
				runtime));
		return transport;
	}

	/**
	 * Prefix each record with its length, back to back, as a POST body.
	 * @param records the records
	 * @return the body
	 */
	public static byte[] body(ByteBuffer... records) {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		for (ByteBuffer record : records) {
			ByteBuffer prefix = ByteBuffer.allocate(8);
			VarInts.write(prefix, record.remaining());
			body.write(prefix.array(), 0, prefix.position());
			byte[] bytes = new byte[record.remaining()];
			record.duplicate().get(bytes);
			body.writeBytes(bytes);
		}
		return body.toByteArray();
	}

	/**
	 * Encode frames into one record.
	 * @param frames the frames
	 * @return the record
	 */
	public static ByteBuffer record(Frame... frames) {
		int size = 0;
		for (Frame frame : frames) {
			size += frame.encodedSize();
		}
		ByteBuffer record = ByteBuffer.allocate(size);
		for (Frame frame : frames) {
			frame.encode(record);
		}
		return record.flip();
	}

	/**
	 * Return a body of undeclared length, sent in chunks as a streaming upload would be.
	 * @param size how many bytes the stream yields
	 * @return the publisher, without a declared length
	 */
	public static BodyPublisher streamed(int size) {
		return BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[size]));
	}

}
