package dev.wtfallback.web.ssesession;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.wtfallback.core.BidirectionalStream;
import dev.wtfallback.core.OnConnect;
import dev.wtfallback.core.ReceiveStream;
import dev.wtfallback.core.SendStream;
import dev.wtfallback.core.SessionClosedException;
import dev.wtfallback.core.WtConnection;

import org.springframework.beans.factory.DisposableBean;

/**
 * Test {@link OnConnect} handler that echoes each bidirectional stream on itself, each
 * unidirectional stream on a new one and each datagram as a datagram, and records the
 * connections it served and the datagrams they received.
 */
class EchoConnections implements OnConnect, DisposableBean {

	private final BlockingQueue<WtConnection> connections = new LinkedBlockingQueue<>();

	private final Map<String, List<String>> datagrams = new ConcurrentHashMap<>();

	private final ExecutorService executor = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task, "echo");
		thread.setDaemon(true);
		return thread;
	});

	@Override
	public void onConnect(WtConnection connection) throws IOException {
		this.datagrams.put(connection.id(), new CopyOnWriteArrayList<>());
		this.connections.add(connection);
		this.executor.execute(() -> echoDatagrams(connection));
		this.executor.execute(() -> echoUnidirectionalStreams(connection));
		try {
			while (true) {
				BidirectionalStream stream = connection.acceptStream();
				this.executor.execute(() -> echo(stream, stream));
			}
		}
		catch (SessionClosedException ex) {
			// The connection ended; nothing more to echo.
		}
	}

	/**
	 * Wait for the next connection this handler served.
	 * @return the connection
	 */
	WtConnection next() throws InterruptedException {
		WtConnection connection = this.connections.poll(5, TimeUnit.SECONDS);
		if (connection == null) {
			throw new AssertionError("No connection reached the handler within 5 s");
		}
		return connection;
	}

	void reset() {
		this.connections.clear();
	}

	/**
	 * Return the datagrams a connection received, as text.
	 * @param connection the connection
	 * @return the datagrams, in order
	 */
	List<String> datagramsOf(WtConnection connection) {
		return List.copyOf(this.datagrams.get(connection.id()));
	}

	private void echoDatagrams(WtConnection connection) {
		try {
			while (true) {
				byte[] datagram = connection.receiveDatagram();
				this.datagrams.get(connection.id()).add(new String(datagram, StandardCharsets.UTF_8));
				connection.sendDatagram(datagram);
			}
		}
		catch (IOException ex) {
			// The connection ended.
		}
	}

	private void echoUnidirectionalStreams(WtConnection connection) {
		try {
			while (true) {
				ReceiveStream incoming = connection.acceptUnidirectionalStream();
				SendStream outgoing = connection.openUnidirectionalStream();
				this.executor.execute(() -> echo(incoming, outgoing));
			}
		}
		catch (IOException ex) {
			// The connection ended.
		}
	}

	private static void echo(ReceiveStream in, SendStream out) {
		byte[] buffer = new byte[16384];
		try {
			for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
				out.write(buffer, 0, n);
			}
			out.finish();
		}
		catch (IOException ex) {
			// The stream or the connection ended early.
		}
	}

	@Override
	public void destroy() {
		this.executor.shutdownNow();
	}

}
