package dev.wtfallback.sample;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import dev.wtfallback.core.BidirectionalStream;
import dev.wtfallback.core.WtConnection;
import dev.wtfallback.core.client.QmuxClient;

/**
 * Round trips through the sample's echo handler, shared by the integration tests.
 */
final class Echoes {

	static final Duration TIMEOUT = Duration.ofSeconds(10);

	private Echoes() {
	}

	static URI endpoint(int port) {
		return URI.create("ws://127.0.0.1:" + port + "/wt");
	}

	static QmuxClient echoClient() {
		return QmuxClient.builder().applicationProtocols("echo").build();
	}

	/**
	 * Send a payload on a new bidirectional stream and read the echo; the bytes are written on
	 * another thread, so that payloads larger than the flow control windows cannot deadlock.
	 */
	static byte[] roundTrip(WtConnection connection, byte[] payload) throws Exception {
		return roundTrip(connection.openStream(), payload);
	}

	static byte[] roundTrip(BidirectionalStream stream, byte[] payload) throws Exception {
		CompletableFuture<Void> sent = stream.writeAsync(ByteBuffer.wrap(payload))
			.thenRun(() -> finish(stream));
		byte[] echoed = stream.readAllBytes(payload.length + 1);
		sent.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		return echoed;
	}

	/** Connect a new client and check that one short echo works. */
	static byte[] echoOnNewConnection(int port, byte[] payload) throws Exception {
		try (QmuxClient client = echoClient()) {
			WtConnection connection = client.connect(endpoint(port));
			try {
				return roundTrip(connection, payload);
			}
			finally {
				connection.close();
			}
		}
	}

	private static void finish(BidirectionalStream stream) {
		try {
			stream.finish();
		}
		catch (IOException ex) {
			throw new CompletionException(ex);
		}
	}

}
