package dev.wtfallback.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Sends a WebSocket upgrade request over a plain socket and reads the answer's head and body,
 * to see exactly what the server put on the wire.
 *
 * @param statusCode the response status code
 * @param headers the response headers, names in lower case
 * @param body the response body; empty for a switch of protocols
 */
public record RawHandshake(int statusCode, Map<String, String> headers, String body) {

	private static final int TIMEOUT_MILLIS = 5000;

	/**
	 * Send an upgrade request to a server on loopback.
	 * @param port the server port
	 * @param path the request path
	 * @param extraHeaders more header lines, such as {@code Sec-WebSocket-Protocol: qmux-02}
	 * @return what the server answered
	 * @throws IOException if the exchange failed or timed out
	 */
	public static RawHandshake send(int port, String path, String... extraHeaders) throws IOException {
		StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\n")
			.append("Host: localhost:").append(port).append("\r\n")
			.append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
			.append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
		for (String header : extraHeaders) {
			request.append(header).append("\r\n");
		}
		request.append("\r\n");
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			socket.setSoTimeout(TIMEOUT_MILLIS);
			OutputStream output = socket.getOutputStream();
			output.write(request.toString().getBytes(StandardCharsets.US_ASCII));
			output.flush();
			return read(socket.getInputStream());
		}
	}

	private static RawHandshake read(InputStream input) throws IOException {
		String[] lines = readHead(input).split("\r\n");
		int status = Integer.parseInt(lines[0].split(" ")[1]);
		Map<String, String> headers = new LinkedHashMap<>();
		for (int i = 1; i < lines.length; i++) {
			int colon = lines[i].indexOf(':');
			String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
			headers.put(name, lines[i].substring(colon + 1).trim());
		}
		int length = (status != 101) ? Integer.parseInt(headers.getOrDefault("content-length", "0")) : 0;
		String body = new String(input.readNBytes(length), StandardCharsets.UTF_8);
		return new RawHandshake(status, headers, body);
	}

	private static String readHead(InputStream input) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
			int next = input.read();
			if (next == -1) {
				throw new IOException("Connection closed after " + head.size() + " bytes of the response head: "
						+ head.toString(StandardCharsets.ISO_8859_1));
			}
			head.write(next);
		}
		return head.toString(StandardCharsets.ISO_8859_1).strip();
	}

}
