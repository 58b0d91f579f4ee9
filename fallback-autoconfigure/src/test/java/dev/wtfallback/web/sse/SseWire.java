package dev.wtfallback.web.sse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Plain HTTP helpers for the wire tests: a JDK client, POSTs and raw sockets, all aimed at the
 * loopback test server.
 */
final class SseWire {

	private SseWire() {
	}

	static HttpClient httpClient() {
		return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
			.build();
	}

	static URI uri(int port, String path) {
		return URI.create("http://127.0.0.1:" + port + path);
	}

	static HttpResponse<String> post(HttpClient http, URI uri, String contentType, String body,
			Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
			.header("Content-Type", contentType)
			.POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
		headers.forEach(request::header);
		return send(http, request.build());
	}

	static HttpResponse<String> send(HttpClient http, HttpRequest request) {
		try {
			return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new AssertionError("Request " + request + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	/**
	 * Open a raw socket and send the stream request, optionally with a small receive buffer.
	 */
	static Socket openRawStream(int port, String path, int receiveBufferSize) throws IOException {
		Socket socket = new Socket();
		if (receiveBufferSize > 0) {
			socket.setReceiveBufferSize(receiveBufferSize);
		}
		socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
		socket.setSoTimeout(10_000);
		OutputStream output = socket.getOutputStream();
		output.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
				+ "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
		output.flush();
		return socket;
	}

	/**
	 * Read from a raw stream until the text appears, within the socket's read timeout.
	 */
	static void readUntil(Socket socket, String text) throws IOException {
		InputStream input = socket.getInputStream();
		StringBuilder seen = new StringBuilder();
		byte[] buffer = new byte[1024];
		while (seen.indexOf(text) < 0) {
			int read = input.read(buffer);
			if (read < 0) {
				throw new AssertionError("Stream ended before '" + text + "'; read: " + seen);
			}
			seen.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
		}
	}

}
