package dev.wtfallback.sample;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.function.LongConsumer;

import dev.wtfallback.core.BidirectionalStream;
import dev.wtfallback.core.OnConnect;
import dev.wtfallback.core.ReceiveStream;
import dev.wtfallback.core.SendStream;
import dev.wtfallback.core.StreamResetException;
import dev.wtfallback.core.WtConnection;
import dev.wtfallback.core.qmux.QmuxRuntime;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.log.LogMessage;
import org.springframework.stereotype.Component;

/**
 * Echoes everything a client sends: each bidirectional stream back on itself, each
 * unidirectional stream on a new server-opened unidirectional stream, each datagram as a
 * datagram.
 *
 * <p>A bidirectional stream whose whole content is the ASCII text {@code close-me} makes the
 * server close the connection with code {@value #CLOSE_CODE} and reason
 * {@value #CLOSE_REASON}, so clients can test how they see a server-side close.
 *
 * <p>The connection callback runs the loop over bidirectional streams; the loops over
 * unidirectional streams and datagrams and every single stream run as tasks of the shared
 * {@link QmuxRuntime}, so one slow stream never holds up another.
 */
@Component
public class EchoHandler implements OnConnect {

	/** Application close code sent when a client asks the server to close. */
	public static final long CLOSE_CODE = 7;

	/** Reason sent with {@link #CLOSE_CODE}. */
	public static final String CLOSE_REASON = "requested";

	private static final byte[] CLOSE_REQUEST = "close-me".getBytes(StandardCharsets.US_ASCII);

	private static final Log logger = LogFactory.getLog(EchoHandler.class);

	private final Executor executor;

	public EchoHandler(QmuxRuntime runtime) {
		this.executor = runtime.executor();
	}

	@Override
	public void onConnect(WtConnection connection) {
		logger.debug(LogMessage.format("%s: echoing for %s over %s, application protocol '%s'", connection.id(),
				connection.remoteAddress(), connection.transport(), connection.applicationProtocol()));
		this.executor.execute(() -> serveUnidirectionalStreams(connection));
		this.executor.execute(() -> serveDatagrams(connection));
		try {
			while (true) {
				BidirectionalStream stream = connection.acceptStream();
				this.executor.execute(() -> echoStream(connection, stream));
			}
		}
		catch (IOException ex) {
			logEnd(connection, "bidirectional streams", ex);
		}
	}

	private void serveUnidirectionalStreams(WtConnection connection) {
		try {
			while (true) {
				ReceiveStream stream = connection.acceptUnidirectionalStream();
				this.executor.execute(() -> echoUnidirectionalStream(connection, stream));
			}
		}
		catch (IOException ex) {
			logEnd(connection, "unidirectional streams", ex);
		}
	}

	private void serveDatagrams(WtConnection connection) {
		try {
			while (true) {
				byte[] datagram = connection.receiveDatagram();
				try {
					connection.sendDatagram(datagram);
				}
				catch (IllegalArgumentException | IllegalStateException ex) {
					logger.debug(LogMessage.format("%s: datagram of %d bytes not echoed: %s", connection.id(),
							datagram.length, ex.getMessage()));
				}
			}
		}
		catch (IOException ex) {
			logEnd(connection, "datagrams", ex);
		}
	}

	/**
	 * Echo a bidirectional stream. Bytes that may still spell the close request are held back
	 * until the stream proves otherwise, so a close request is never echoed.
	 */
	private void echoStream(WtConnection connection, BidirectionalStream stream) {
		byte[] buffer = new byte[16 * 1024];
		ByteArrayOutputStream held = new ByteArrayOutputStream();
		boolean holding = true;
		try {
			for (int read = stream.read(buffer); read != -1; read = stream.read(buffer)) {
				if (!holding) {
					stream.write(buffer, 0, read);
					continue;
				}
				held.write(buffer, 0, read);
				holding = isCloseRequestPrefix(held.toByteArray());
				if (!holding) {
					stream.write(held.toByteArray());
				}
			}
			if (holding && Arrays.equals(held.toByteArray(), CLOSE_REQUEST)) {
				logger.debug(LogMessage.format("%s: stream %d asked to close the connection", connection.id(),
						stream.id()));
				connection.close(CLOSE_CODE, CLOSE_REASON);
				return;
			}
			if (holding) {
				stream.write(held.toByteArray());
			}
			stream.finish();
		}
		catch (IOException ex) {
			abort(connection, stream.id(), ex, stream::abort);
		}
	}

	private static boolean isCloseRequestPrefix(byte[] bytes) {
		return bytes.length <= CLOSE_REQUEST.length
				&& Arrays.equals(bytes, Arrays.copyOf(CLOSE_REQUEST, bytes.length));
	}

	/**
	 * Echo a unidirectional stream on a new unidirectional stream of the server's.
	 */
	private void echoUnidirectionalStream(WtConnection connection, ReceiveStream stream) {
		try (InputStream input = stream.inputStream()) {
			SendStream reply = connection.openUnidirectionalStream();
			try {
				input.transferTo(reply.outputStream());
				reply.finish();
			}
			catch (IOException ex) {
				abort(connection, reply.id(), ex, reply::reset);
				throw ex;
			}
		}
		catch (IOException ex) {
			abort(connection, stream.id(), ex, stream::stopSending);
		}
	}

	/**
	 * Abort one stream after a failure; a reset by the peer is passed on with its own code.
	 */
	private static void abort(WtConnection connection, long streamId, IOException ex, LongConsumer action) {
		long code = (ex instanceof StreamResetException reset) ? reset.getErrorCode() : 0;
		logger.debug(LogMessage.format("%s: stream %d aborted with code %d: %s", connection.id(), streamId, code,
				ex.getMessage()));
		action.accept(code);
	}

	private static void logEnd(WtConnection connection, String what, IOException ex) {
		logger.debug(LogMessage.format("%s: no more %s: %s", connection.id(), what, ex.getMessage()));
	}

}
