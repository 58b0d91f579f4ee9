package dev.wtfallback.sample;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

import dev.wtfallback.core.qmux.Frame;

/**
 * A QMux peer on a plain socket that performs the WebSocket upgrade by hand, then only ever
 * writes: after the handshake response it never reads, so whatever the server sends piles up
 * in the kernel's socket buffers and then in the server.
 */
final class UnreadingPeer implements AutoCloseable {

	private static final int TIMEOUT_MILLIS = 5000;

	private final Socket socket;

	private final OutputStream output;

	private UnreadingPeer(Socket socket) throws IOException {
		this.socket = socket;
		this.output = socket.getOutputStream();
	}

	/**
	 * Connect to {@code /wt} on loopback with a small receive buffer and upgrade to a
	 * WebSocket offering {@code qmux-02}.
	 */
	static UnreadingPeer connect(int port) throws IOException {
		Socket socket = new Socket();
		// Set before connecting, so that the TCP window the server sees stays small.
		socket.setReceiveBufferSize(4096);
		socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MILLIS);
		socket.setSoTimeout(TIMEOUT_MILLIS);
		UnreadingPeer peer = new UnreadingPeer(socket);
		peer.upgrade(port);
		return peer;
	}

	private void upgrade(int port) throws IOException {
		byte[] nonce = new byte[16];
		ThreadLocalRandom.current().nextBytes(nonce);
		String request = "GET /wt HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
				+ "Upgrade: websocket\r\nConnection: Upgrade\r\n"
				+ "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
				+ "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: qmux-02\r\n\r\n";
		this.output.write(request.getBytes(StandardCharsets.US_ASCII));
		this.output.flush();
		String head = readHead(this.socket.getInputStream());
		if (!head.startsWith("HTTP/1.1 101") || !head.toLowerCase().contains("sec-websocket-protocol: qmux-02")) {
			throw new IOException("Upgrade refused: " + head);
		}
	}

	/** Read the response head only, leaving every WebSocket frame after it unread. */
	private static String readHead(InputStream input) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
			int next = input.read();
			if (next == -1) {
				throw new IOException("Connection closed during the upgrade: " + head);
			}
			head.write(next);
		}
		return head.toString(StandardCharsets.ISO_8859_1);
	}

	int localPort() {
		return this.socket.getLocalPort();
	}

	/** Send the frames as one record in one masked binary WebSocket frame. */
	void send(Frame... frames) throws IOException {
		int size = 0;
		for (Frame frame : frames) {
			size += frame.encodedSize();
		}
		ByteBuffer record = ByteBuffer.allocate(size);
		for (Frame frame : frames) {
			frame.encode(record);
		}
		this.output.write(maskedBinaryFrame(record.array()));
		this.output.flush();
	}

	private static byte[] maskedBinaryFrame(byte[] payload) {
		ByteBuffer frame = ByteBuffer.allocate(14 + payload.length);
		frame.put((byte) 0x82);
		if (payload.length < 126) {
			frame.put((byte) (0x80 | payload.length));
		}
		else if (payload.length <= 0xFFFF) {
			frame.put((byte) (0x80 | 126)).putShort((short) payload.length);
		}
		else {
			frame.put((byte) (0x80 | 127)).putLong(payload.length);
		}
		byte[] mask = new byte[4];
		ThreadLocalRandom.current().nextBytes(mask);
		frame.put(mask);
		for (int i = 0; i < payload.length; i++) {
			frame.put((byte) (payload[i] ^ mask[i & 3]));
		}
		return Arrays.copyOf(frame.array(), frame.position());
	}

	/**
	 * Start reading at last: count the bytes still waiting until the server ends the
	 * connection, for the report.
	 * @return a description of what was read and how the connection ended
	 */
	String drain() {
		long count = 0;
		byte[] buffer = new byte[64 * 1024];
		try {
			InputStream input = this.socket.getInputStream();
			for (int read = input.read(buffer); read != -1; read = input.read(buffer)) {
				count += read;
			}
			return count + " bytes, then end of stream";
		}
		catch (IOException ex) {
			return count + " bytes, then " + ex;
		}
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
