package dev.wtfallback.core.qmux;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.wtfallback.core.BidirectionalStream;
import dev.wtfallback.core.CloseInfo;
import dev.wtfallback.core.FallbackListener;
import dev.wtfallback.core.FallbackListener.BlockedReason;
import dev.wtfallback.core.FallbackListener.CloseOutcome;
import dev.wtfallback.core.FallbackListener.DropReason;
import dev.wtfallback.core.OnConnect;
import dev.wtfallback.core.ReceiveStream;
import dev.wtfallback.core.SendStream;
import dev.wtfallback.core.SessionClosedException;
import dev.wtfallback.core.Transport;
import dev.wtfallback.core.qmux.Frame.CloseFrame;
import dev.wtfallback.core.qmux.Frame.DatagramFrame;
import dev.wtfallback.core.qmux.Frame.LimitFrame;
import dev.wtfallback.core.qmux.Frame.PingFrame;
import dev.wtfallback.core.qmux.Frame.ResetStreamAtFrame;
import dev.wtfallback.core.qmux.Frame.ResetStreamFrame;
import dev.wtfallback.core.qmux.Frame.StopSendingFrame;
import dev.wtfallback.core.qmux.Frame.StreamFrame;
import dev.wtfallback.core.qmux.Frame.StreamLimitFrame;
import dev.wtfallback.core.qmux.Frame.TransportParametersFrame;
import dev.wtfallback.core.qmux.Subprotocols.NegotiatedProtocol;

/**
 * A QMux session over a {@link RecordTransport}, in the client or the server role.
 *
 * <h2>Threading</h2>
 * One {@link ReentrantLock} guards all session and stream state. Inbound records are applied
 * under it on the transport's thread, which never blocks: data lands in per-stream buffers
 * bounded by the windows this side advertised, so a stream nobody reads cannot stall the
 * others. Application threads wait on conditions of that lock: writers and openers for credit,
 * readers on their stream, acceptors for incoming streams. Records are written by one writer
 * task at a time on the runtime's executor, outside the lock. Futures are completed on the
 * executor too, so application callbacks never run under the lock or on the transport's thread.
 *
 * <h2>Outbound order</h2>
 * Control frames (credit, resets, pings, close) go before stream data and datagrams, which
 * leave in the order they were queued. Frames are packed into records up to the peer's
 * max_record_size; STREAM payloads are also capped near 16 KiB, which released QMux peers
 * enforce on receive.
 *
 * <h2>Failures</h2>
 * A protocol violation by the peer ends the session with CONNECTION_CLOSE carrying the QUIC
 * error code of the {@link QmuxProtocolException}. Faults of one stream (reset, stop sending)
 * stay with that stream.
 */
public final class QmuxSession implements dev.wtfallback.core.WtConnection {

	private static final Log logger = LogFactory.getLog(QmuxSession.class);

	/** Category for peers that went away, which is routine and logged quietly. */
	private static final Log disconnectLogger = LogFactory.getLog(DISCONNECT_LOG_CATEGORY);

	/** Largest record built even when the peer accepts more. */
	private static final int RECORD_CAP = 256 * 1024;

	/** STREAM payload ceiling that released QMux peers enforce on receive. */
	private static final int PAYLOAD_CEILING = 16384 - 32;

	/** Longest close reason sent, in bytes, so that a close frame always fits a record. */
	private static final int MAX_REASON_BYTES = 1024;

	/** How long a close frame may take to leave before the transport is closed anyway. */
	private static final long CLOSE_FLUSH_MILLIS = 2000;

	final ReentrantLock lock = new ReentrantLock();

	private final Condition sendCondition = this.lock.newCondition();

	private final Condition incomingCondition = this.lock.newCondition();

	private final SessionContext context;

	private final NegotiatedProtocol protocol;

	private final QmuxSettings settings;

	private final RecordTransport transport;

	private final QmuxRuntime runtime;

	private final boolean server;

	private final String logPrefix;

	private final FallbackListener listener;

	private final CompletableFuture<CloseInfo> closed = new CompletableFuture<>();

	private final Map<Long, QmuxStream> streams = new HashMap<>();

	private final Kind bidirectional;

	private final Kind unidirectional;

	private TransportParameters peerParameters;

	private CloseInfo closeInfo;

	// Connection-level flow control.
	private long sendMaxData;

	private long sentData;

	private long dataBlockedReportedAt = -1;

	private long receiveMaxData;

	private long receivedData;

	private long consumedData;

	// Outbound queues; see the class comment for their order.
	private final ArrayDeque<Frame> control = new ArrayDeque<>();

	// Credit grants and ping responses: a newer one replaces a queued one of the same key, so
	// a peer that floods pings or makes us grant credit while it does not read cannot grow it.
	private final Map<UpdateKey, Frame> updates = new LinkedHashMap<>();

	private final ArrayDeque<Frame> data = new ArrayDeque<>();

	private long queuedBytes;

	private boolean writerRunning;

	private int closeStatusAfterFlush = -1;

	// Inbound datagrams.
	private final ArrayDeque<byte[]> datagrams = new ArrayDeque<>();

	private final ArrayDeque<CompletableFuture<byte[]>> datagramWaiters = new ArrayDeque<>();

	private long droppedDatagrams;

	// Liveness.
	private final KeepAlive keepAlive = new KeepAlive();

	private QmuxSession(SessionContext context, NegotiatedProtocol protocol, QmuxSettings settings,
			RecordTransport transport, QmuxRuntime runtime, boolean server) {
		this.context = context;
		this.protocol = protocol;
		this.settings = settings;
		this.transport = transport;
		this.runtime = runtime;
		this.server = server;
		this.logPrefix = "[" + context.id() + "] ";
		this.listener = runtime.listener();
		this.bidirectional = new Kind(false, settings.initialMaxStreamsBidi());
		this.unidirectional = new Kind(true, settings.initialMaxStreamsUni());
		this.receiveMaxData = settings.initialMaxData();
	}

	/**
	 * Start the server role over an accepted transport: the transport parameters leave at once
	 * and the handler runs on a thread of the runtime.
	 * @param context what the handshake established
	 * @param protocol the negotiated subprotocol
	 * @param settings the limits to advertise and enforce
	 * @param transport the transport to send records on
	 * @param runtime the shared threads
	 * @param handler the application handler
	 * @return the session
	 */
	public static QmuxSession accept(SessionContext context, NegotiatedProtocol protocol, QmuxSettings settings,
			RecordTransport transport, QmuxRuntime runtime, OnConnect handler) {
		QmuxSession session = new QmuxSession(context, protocol, settings, transport, runtime, true);
		session.start();
		session.execute(() -> session.runHandler(handler));
		return session;
	}

	/**
	 * Start the client role over a connected transport: the transport parameters leave at once.
	 * @param context what the handshake established
	 * @param protocol the negotiated subprotocol
	 * @param settings the limits to advertise and enforce
	 * @param transport the transport to send records on
	 * @param runtime the shared threads
	 * @return the session
	 */
	public static QmuxSession connect(SessionContext context, NegotiatedProtocol protocol, QmuxSettings settings,
			RecordTransport transport, QmuxRuntime runtime) {
		QmuxSession session = new QmuxSession(context, protocol, settings, transport, runtime, false);
		session.start();
		return session;
	}

	private void start() {
		TransportParameters local = TransportParameters.of(this.settings);
		this.lock.lock();
		try {
			this.control.add(new TransportParametersFrame(local));
			scheduleWriter();
			// Until the peer's parameters arrive, our own timeout bounds how long we wait for them.
			this.keepAlive.start(this.settings.maxIdleTimeout().toMillis(), false);
			this.listener.sessionOpened(transport());
		}
		finally {
			this.lock.unlock();
		}
		if (logger.isDebugEnabled()) {
			logger.debug(this.logPrefix + "Opened " + this.protocol.token() + " session as "
					+ (this.server ? "server" : "client") + " with " + local);
		}
	}

	private void runHandler(OnConnect handler) {
		try {
			handler.onConnect(this);
		}
		catch (Throwable ex) {
			if (!isOpen()) {
				disconnectLogger.debug(this.logPrefix + "Handler ended after the session closed: " + ex);
				return;
			}
			logger.error(this.logPrefix + "Handler failed; closing the session with code 1", ex);
			close(1, "handler failed");
		}
	}

	// ---- connection API ----------------------------------------------------------------

	@Override
	public String id() {
		return this.context.id();
	}

	@Override
	public Transport transport() {
		return this.context.transport();
	}

	@Override
	public String applicationProtocol() {
		return this.protocol.applicationProtocol();
	}

	/**
	 * Return the QMux draft this session speaks.
	 * @return the wire version
	 */
	public WireVersion wireVersion() {
		return this.protocol.version();
	}

	@Override
	public InetSocketAddress remoteAddress() {
		return this.context.remoteAddress();
	}

	@Override
	public Principal principal() {
		return this.context.principal();
	}

	@Override
	public Map<String, Object> attributes() {
		return this.context.attributes();
	}

	@Override
	public BidirectionalStream acceptStream() throws IOException {
		return acceptBlocking(this.bidirectional);
	}

	@Override
	public CompletableFuture<BidirectionalStream> acceptStreamAsync() {
		CompletableFuture<BidirectionalStream> future = new CompletableFuture<>();
		acceptAsync(this.bidirectional, future);
		return future;
	}

	@Override
	public ReceiveStream acceptUnidirectionalStream() throws IOException {
		return acceptBlocking(this.unidirectional);
	}

	@Override
	public CompletableFuture<ReceiveStream> acceptUnidirectionalStreamAsync() {
		CompletableFuture<ReceiveStream> future = new CompletableFuture<>();
		acceptAsync(this.unidirectional, future);
		return future;
	}

	@Override
	public BidirectionalStream openStream() throws IOException {
		return openLocal(this.bidirectional);
	}

	@Override
	public CompletableFuture<BidirectionalStream> openStreamAsync() {
		return supplyAsync(this::openStream);
	}

	@Override
	public SendStream openUnidirectionalStream() throws IOException {
		return openLocal(this.unidirectional);
	}

	@Override
	public CompletableFuture<SendStream> openUnidirectionalStreamAsync() {
		return supplyAsync(this::openUnidirectionalStream);
	}

	@Override
	public void sendDatagram(byte[] payload) throws IOException {
		this.lock.lock();
		try {
			awaitPeerParameters();
			int max = maxDatagramSizeLocked();
			if (max == 0) {
				throw new IllegalStateException(this.logPrefix + "Peer does not accept datagrams");
			}
			if (payload.length > max) {
				throw new IllegalArgumentException(
						this.logPrefix + "Datagram of " + payload.length + " bytes exceeds the peer's limit of " + max);
			}
			while (this.queuedBytes >= this.settings.sendBufferLimit()) {
				checkOpen();
				this.listener.senderBlocked(transport(), BlockedReason.SEND_BUFFER);
				await(this.sendCondition, "waiting to send a datagram");
			}
			this.listener.datagramSent(transport());
			this.data.add(new DatagramFrame(ByteBuffer.wrap(payload.clone())));
			this.queuedBytes += payload.length;
			scheduleWriter();
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public byte[] receiveDatagram() throws IOException {
		this.lock.lock();
		try {
			while (this.datagrams.isEmpty()) {
				checkOpen();
				await(this.incomingCondition, "waiting for a datagram");
			}
			return this.datagrams.poll();
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public CompletableFuture<byte[]> receiveDatagramAsync() {
		CompletableFuture<byte[]> future = new CompletableFuture<>();
		this.lock.lock();
		try {
			if (!this.datagrams.isEmpty()) {
				future.complete(this.datagrams.poll());
			}
			else if (this.closeInfo != null) {
				future.completeExceptionally(new SessionClosedException(this.closeInfo));
			}
			else {
				this.datagramWaiters.add(future);
			}
		}
		finally {
			this.lock.unlock();
		}
		return future;
	}

	@Override
	public int maxDatagramSize() {
		this.lock.lock();
		try {
			return maxDatagramSizeLocked();
		}
		finally {
			this.lock.unlock();
		}
	}

	private int maxDatagramSizeLocked() {
		if (this.peerParameters == null || this.peerParameters.maxDatagramFrameSize() == 0) {
			return 0;
		}
		long frameLimit = Math.min(this.peerParameters.maxDatagramFrameSize(), recordBudget());
		return (int) Math.max(0, frameLimit - 1 - VarInts.size(frameLimit));
	}

	@Override
	public long droppedDatagrams() {
		this.lock.lock();
		try {
			return this.droppedDatagrams;
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public void close(long code, String reason) {
		if (code < 0 || code > VarInts.MAX_VALUE) {
			throw new IllegalArgumentException("Close code " + code + " is outside 0..2^62-1");
		}
		String text = truncate((reason != null) ? reason : "");
		this.lock.lock();
		try {
			if (this.closeInfo == null) {
				finish(new CloseInfo(code, text, true, true), new CloseFrame(true, code, 0, text), 1000);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public CompletableFuture<CloseInfo> closed() {
		return this.closed;
	}

	@Override
	public String toString() {
		return "QmuxSession " + id() + " (" + this.protocol.token() + ", " + (this.server ? "server" : "client") + ")";
	}

	// ---- transport events --------------------------------------------------------------

	/**
	 * Process one whole inbound record. Called by the transport, one record at a time, in
	 * order; never blocks.
	 * @param record the record bytes, read from position to limit
	 */
	public void onRecord(ByteBuffer record) {
		this.lock.lock();
		try {
			if (this.closeInfo != null) {
				return;
			}
			this.keepAlive.received();
			this.listener.bytesReceived(transport(), record.remaining());
			if (record.remaining() > this.settings.maxRecordSize()) {
				throw new QmuxProtocolException(QmuxErrorCode.PROTOCOL_VIOLATION, "Record of " + record.remaining()
						+ " bytes exceeds the advertised max_record_size of " + this.settings.maxRecordSize());
			}
			for (Frame frame : FrameDecoder.decode(record)) {
				if (this.closeInfo != null) {
					break;
				}
				if (logger.isTraceEnabled()) {
					logger.trace(this.logPrefix + "Received " + frame);
				}
				handle(frame);
			}
		}
		catch (QmuxProtocolException ex) {
			fail(ex);
		}
		catch (RuntimeException ex) {
			logger.error(this.logPrefix + "Unexpected failure while processing a record; closing the session", ex);
			fail(new QmuxProtocolException(QmuxErrorCode.INTERNAL_ERROR, "Internal error"));
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Report an inbound text message, which QMux forbids; the session fails.
	 */
	public void onTextMessage() {
		onMalformedInput("Text message received; QMux records travel in binary messages");
	}

	/**
	 * Report input the transport could not turn into records, such as a record length that
	 * runs past the end of a request body; the session fails with PROTOCOL_VIOLATION.
	 * @param description what was wrong, sent as the close reason
	 */
	public void onMalformedInput(String description) {
		this.lock.lock();
		try {
			if (this.closeInfo == null) {
				fail(new QmuxProtocolException(QmuxErrorCode.PROTOCOL_VIOLATION, description));
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Report that the transport closed. Ends the session if no close frame ended it before.
	 * @param statusCode the WebSocket close status
	 * @param reason the close reason, may be {@code null}
	 */
	public void onTransportClosed(int statusCode, String reason) {
		this.lock.lock();
		try {
			if (this.closeInfo == null) {
				String text = "Transport closed with status " + statusCode
						+ ((reason != null && !reason.isEmpty()) ? " (" + reason + ")" : "") + " before a close frame";
				disconnectLogger.debug(this.logPrefix + text);
				finish(new CloseInfo(0, text, false, false), null, -1, CloseOutcome.DROPPED);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Report that the transport failed; the session ends without a close frame.
	 * @param error the failure
	 */
	public void onTransportError(Throwable error) {
		this.lock.lock();
		try {
			if (this.closeInfo == null) {
				String text = "Transport failed: " + error;
				disconnectLogger.debug(this.logPrefix + text);
				finish(new CloseInfo(0, text, false, false), null, 1011, CloseOutcome.DROPPED);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	// ---- inbound frames, all under the lock --------------------------------------------

	private void handle(Frame frame) {
		if (this.peerParameters == null && !(frame instanceof TransportParametersFrame)) {
			throw new QmuxProtocolException(QmuxErrorCode.PROTOCOL_VIOLATION, frame.type(),
					"First frame must be QX_TRANSPORT_PARAMETERS, got type 0x" + Long.toHexString(frame.type()));
		}
		if (frame instanceof StreamFrame stream) {
			onStream(stream);
		}
		else if (frame instanceof StreamLimitFrame limit) {
			onStreamLimit(limit);
		}
		else if (frame instanceof LimitFrame limit) {
			onLimit(limit);
		}
		else if (frame instanceof ResetStreamFrame reset) {
			onResetStream(reset);
		}
		else if (frame instanceof StopSendingFrame stop) {
			QmuxStream stream = streamFor(stop.streamId(), Frame.STOP_SENDING, false);
			if (stream != null) {
				stream.resetSending(stop.errorCode(), true);
			}
		}
		else if (frame instanceof DatagramFrame datagram) {
			onDatagram(datagram);
		}
		else if (frame instanceof PingFrame ping) {
			onPing(ping);
		}
		else if (frame instanceof CloseFrame close) {
			onClose(close);
		}
		else if (frame instanceof TransportParametersFrame parameters) {
			onTransportParameters(parameters.parameters());
		}
		else if (frame instanceof ResetStreamAtFrame) {
			throw new QmuxProtocolException(QmuxErrorCode.PROTOCOL_VIOLATION, Frame.RESET_STREAM_AT,
					"RESET_STREAM_AT received, but reset_stream_at was not advertised");
		}
	}

	private void onTransportParameters(TransportParameters parameters) {
		if (this.peerParameters != null) {
			throw new QmuxProtocolException(QmuxErrorCode.PROTOCOL_VIOLATION, Frame.TRANSPORT_PARAMETERS,
					"QX_TRANSPORT_PARAMETERS received twice");
		}
		this.peerParameters = parameters;
		this.sendMaxData = parameters.initialMaxData();
		this.bidirectional.peerLimit = parameters.initialMaxStreamsBidi();
		this.unidirectional.peerLimit = parameters.initialMaxStreamsUni();
		this.keepAlive.start(effectiveIdleTimeoutMillis(), true);
		this.sendCondition.signalAll();
		if (logger.isDebugEnabled()) {
			logger.debug(this.logPrefix + "Peer announced " + parameters);
		}
	}

	private void onStream(StreamFrame frame) {
		QmuxStream stream = streamFor(frame.streamId(), frame.type(), true);
		if (stream == null) {
			return;
		}
		long length = frame.data().remaining();
		long end = frame.offset() + length;
		checkFinalSize(stream, end, frame.fin());
		if (stream.receiveState == StreamState.Receive.RESET_RECVD
				|| stream.receiveState == StreamState.Receive.DATA_READ) {
			return;
		}
		if (end > stream.receiveMax) {
			throw new QmuxProtocolException(QmuxErrorCode.FLOW_CONTROL_ERROR, frame.type(), "Stream " + stream.id()
					+ " received bytes up to offset " + end + ", beyond its limit of " + stream.receiveMax);
		}
		if (frame.offset() > stream.receivedOffset) {
			throw new QmuxProtocolException(QmuxErrorCode.PROTOCOL_VIOLATION, frame.type(), "STREAM frame for stream "
					+ stream.id() + " starts at offset " + frame.offset() + " after only " + stream.receivedOffset
					+ " bytes; a reliable transport delivers in order");
		}
		ByteBuffer fresh = frame.data();
		fresh.position(fresh.position() + (int) Math.min(length, stream.receivedOffset - frame.offset()));
		if (this.receivedData + fresh.remaining() > this.receiveMaxData) {
			throw new QmuxProtocolException(QmuxErrorCode.FLOW_CONTROL_ERROR, frame.type(),
					"Connection received " + (this.receivedData + fresh.remaining())
							+ " bytes, beyond its limit of " + this.receiveMaxData);
		}
		this.receivedData += fresh.remaining();
		stream.onData(fresh, frame.fin());
	}

	private void checkFinalSize(QmuxStream stream, long end, boolean fin) {
		boolean beyondKnown = stream.finalSize >= 0 && (end > stream.finalSize || (fin && end != stream.finalSize));
		if (beyondKnown || (fin && end < stream.receivedOffset)) {
			throw new QmuxProtocolException(QmuxErrorCode.FINAL_SIZE_ERROR,
					"Stream " + stream.id() + " changed its final size to " + end);
		}
	}

	private void onResetStream(ResetStreamFrame frame) {
		QmuxStream stream = streamFor(frame.streamId(), Frame.RESET_STREAM, true);
		if (stream == null || stream.receiveState == StreamState.Receive.DATA_READ
				|| stream.receiveState == StreamState.Receive.RESET_RECVD) {
			return;
		}
		// Drafts up to -02 let senders report a final size below what they sent; the larger
		// value keeps flow control from going backwards.
		long finalSize = Math.max(frame.finalSize(), stream.receivedOffset);
		if (stream.finalSize >= 0 && finalSize != stream.finalSize) {
			throw new QmuxProtocolException(QmuxErrorCode.FINAL_SIZE_ERROR, Frame.RESET_STREAM,
					"Stream " + stream.id() + " was reset with final size " + finalSize + " after FIN at "
							+ stream.finalSize);
		}
		long gap = finalSize - stream.receivedOffset;
		if (finalSize > stream.receiveMax || this.receivedData + gap > this.receiveMaxData) {
			throw new QmuxProtocolException(QmuxErrorCode.FLOW_CONTROL_ERROR, Frame.RESET_STREAM,
					"Stream " + stream.id() + " was reset with final size " + finalSize + " beyond its credit");
		}
		this.receivedData += gap;
		stream.receivedOffset = finalSize;
		stream.finalSize = finalSize;
		discarded(gap);
		stream.onReset(frame.errorCode());
	}

	private void onStreamLimit(StreamLimitFrame frame) {
		boolean maxStreamData = frame.type() == Frame.MAX_STREAM_DATA;
		QmuxStream stream = streamFor(frame.streamId(), frame.type(), !maxStreamData);
		if (maxStreamData && stream != null && frame.value() > stream.sendMax) {
			stream.sendMax = frame.value();
			this.sendCondition.signalAll();
		}
	}

	private void onLimit(LimitFrame frame) {
		long type = frame.type();
		boolean streamCount = type == Frame.MAX_STREAMS_BIDI || type == Frame.MAX_STREAMS_BIDI + 1
				|| type == Frame.STREAMS_BLOCKED_BIDI || type == Frame.STREAMS_BLOCKED_BIDI + 1;
		if (streamCount && frame.value() > (1L << 60)) {
			throw new QmuxProtocolException(QmuxErrorCode.FRAME_ENCODING_ERROR, type,
					"Stream count " + frame.value() + " exceeds 2^60");
		}
		if (type == Frame.MAX_DATA && frame.value() > this.sendMaxData) {
			this.sendMaxData = frame.value();
			this.sendCondition.signalAll();
		}
		else if (type == Frame.MAX_STREAMS_BIDI || type == Frame.MAX_STREAMS_BIDI + 1) {
			Kind kind = (type == Frame.MAX_STREAMS_BIDI) ? this.bidirectional : this.unidirectional;
			if (frame.value() > kind.peerLimit) {
				kind.peerLimit = frame.value();
				this.sendCondition.signalAll();
			}
		}
	}

	private void onDatagram(DatagramFrame frame) {
		int length = frame.data().remaining();
		if (this.settings.maxDatagramFrameSize() == 0) {
			throw new QmuxProtocolException(QmuxErrorCode.PROTOCOL_VIOLATION, frame.type(),
					"DATAGRAM received, but datagrams were not advertised");
		}
		if (1 + length > this.settings.maxDatagramFrameSize()) {
			throw new QmuxProtocolException(QmuxErrorCode.PROTOCOL_VIOLATION, frame.type(), "DATAGRAM of " + length
					+ " bytes exceeds the advertised max_datagram_frame_size of "
					+ this.settings.maxDatagramFrameSize());
		}
		byte[] payload = new byte[length];
		frame.data().get(payload);
		this.listener.datagramReceived(transport());
		offerDatagram(payload);
	}

	private void offerDatagram(byte[] payload) {
		CompletableFuture<byte[]> waiter = this.datagramWaiters.poll();
		if (waiter != null) {
			execute(() -> {
				if (!waiter.complete(payload)) {
					this.lock.lock();
					try {
						offerDatagram(payload);
					}
					finally {
						this.lock.unlock();
					}
				}
			});
		}
		else if (this.datagrams.size() >= this.settings.datagramQueueCapacity()) {
			this.droppedDatagrams++;
			this.listener.datagramDropped(transport(), DropReason.QUEUE_FULL);
		}
		else {
			this.datagrams.add(payload);
			this.incomingCondition.signalAll();
		}
	}

	private void onPing(PingFrame frame) {
		boolean strict = this.protocol.version() == WireVersion.QMUX_02;
		if (frame.response()) {
			if (strict && frame.sequence() >= this.keepAlive.nextPingSequence) {
				throw new QmuxProtocolException(QmuxErrorCode.PROTOCOL_VIOLATION, frame.type(),
						"QX_PING response echoes sequence " + frame.sequence() + ", which was never sent");
			}
			return;
		}
		if (strict && frame.sequence() <= this.keepAlive.lastPingReceived) {
			throw new QmuxProtocolException(QmuxErrorCode.PROTOCOL_VIOLATION, frame.type(),
					"QX_PING request sequence " + frame.sequence() + " does not increase");
		}
		this.keepAlive.lastPingReceived = frame.sequence();
		queueUpdate(new PingFrame(true, frame.sequence()), 0);
	}

	private void onClose(CloseFrame frame) {
		CloseInfo info = new CloseInfo(frame.errorCode(), frame.reason(), frame.application(), false);
		if (frame.application()) {
			logger.debug(this.logPrefix + "Peer closed the session with code " + frame.errorCode());
		}
		else {
			logger.debug(this.logPrefix + "Peer reported error " + QmuxErrorCode.nameOf(frame.errorCode()) + ": "
					+ frame.reason());
		}
		finish(info, null, 1000);
	}

	/**
	 * Find the stream a frame refers to, opening peer streams implicitly.
	 * @param id the stream id
	 * @param frameType the frame type, for error reports
	 * @param receiving whether the frame concerns our receiving half, rather than our sending half
	 * @return the stream, or {@code null} when it existed but has ended
	 */
	private QmuxStream streamFor(long id, long frameType, boolean receiving) {
		boolean local = isLocal(id);
		boolean uni = StreamIds.isUnidirectional(id);
		if (uni && local == receiving) {
			throw new QmuxProtocolException(QmuxErrorCode.STREAM_STATE_ERROR, frameType, "Frame type 0x"
					+ Long.toHexString(frameType) + " is not allowed on " + StreamIds.describe(id)
					+ ", which this endpoint only " + (local ? "sends" : "receives") + " on");
		}
		Kind kind = uni ? this.unidirectional : this.bidirectional;
		long index = StreamIds.index(id);
		if (local) {
			if (index >= kind.nextLocalIndex) {
				throw new QmuxProtocolException(QmuxErrorCode.STREAM_STATE_ERROR, frameType,
						"Frame for " + StreamIds.describe(id) + ", which this endpoint has not opened");
			}
			return this.streams.get(id);
		}
		if (index >= kind.localLimit) {
			throw new QmuxProtocolException(QmuxErrorCode.STREAM_LIMIT_ERROR, frameType, "Peer opened "
					+ StreamIds.describe(id) + " beyond the limit of " + kind.localLimit + " streams");
		}
		while (kind.peerOpened <= index) {
			openPeerStream(kind, kind.peerOpened++);
		}
		return this.streams.get(id);
	}

	private void openPeerStream(Kind kind, long index) {
		long id = StreamIds.id(index, !this.server, kind.unidirectional);
		QmuxStream stream = kind.unidirectional
				? new QmuxStream(this, id, false, 0, true, this.settings.initialMaxStreamDataUni())
				: new QmuxStream(this, id, true, this.peerParameters.initialMaxStreamDataBidiLocal(), true,
						this.settings.initialMaxStreamDataBidiRemote());
		this.streams.put(id, stream);
		this.listener.streamOpened(transport(), !kind.unidirectional, false);
		offerIncoming(kind, stream);
		if (logger.isDebugEnabled()) {
			logger.debug(this.logPrefix + "Peer opened " + stream);
		}
	}

	// ---- accepting and opening ---------------------------------------------------------

	private QmuxStream acceptBlocking(Kind kind) throws IOException {
		this.lock.lock();
		try {
			while (kind.acceptQueue.isEmpty()) {
				checkOpen();
				await(this.incomingCondition, "waiting for an incoming stream");
			}
			QmuxStream stream = kind.acceptQueue.poll();
			markAccepted(kind, stream);
			return stream;
		}
		finally {
			this.lock.unlock();
		}
	}

	private void acceptAsync(Kind kind, CompletableFuture<? super QmuxStream> future) {
		this.lock.lock();
		try {
			if (!kind.acceptQueue.isEmpty()) {
				QmuxStream stream = kind.acceptQueue.poll();
				markAccepted(kind, stream);
				future.complete(stream);
			}
			else if (this.closeInfo != null) {
				future.completeExceptionally(new SessionClosedException(this.closeInfo));
			}
			else {
				kind.waiters.add(future);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Hand a new peer stream to a waiting acceptor, or queue it. */
	private void offerIncoming(Kind kind, QmuxStream stream) {
		CompletableFuture<? super QmuxStream> waiter = kind.waiters.poll();
		if (waiter == null) {
			kind.acceptQueue.add(stream);
			this.incomingCondition.signalAll();
			return;
		}
		execute(() -> {
			boolean delivered = waiter.complete(stream);
			this.lock.lock();
			try {
				if (delivered) {
					markAccepted(kind, stream);
				}
				else if (this.closeInfo == null) {
					offerIncoming(kind, stream);
				}
			}
			finally {
				this.lock.unlock();
			}
		});
	}

	private void markAccepted(Kind kind, QmuxStream stream) {
		stream.accepted = true;
		creditRetired(kind, stream);
	}

	private QmuxStream openLocal(Kind kind) throws IOException {
		this.lock.lock();
		try {
			awaitPeerParameters();
			while (kind.nextLocalIndex >= kind.peerLimit) {
				checkOpen();
				if (kind.blockedReportedAt != kind.peerLimit) {
					kind.blockedReportedAt = kind.peerLimit;
					this.listener.senderBlocked(transport(), BlockedReason.STREAM_LIMIT);
					queueControl(new LimitFrame(Frame.STREAMS_BLOCKED_BIDI + (kind.unidirectional ? 1 : 0),
							kind.peerLimit));
				}
				await(this.sendCondition, "waiting for stream credit");
			}
			long id = StreamIds.id(kind.nextLocalIndex++, this.server, kind.unidirectional);
			QmuxStream stream = kind.unidirectional
					? new QmuxStream(this, id, true, this.peerParameters.initialMaxStreamDataUni(), false, 0)
					: new QmuxStream(this, id, true, this.peerParameters.initialMaxStreamDataBidiRemote(), true,
							this.settings.initialMaxStreamDataBidiLocal());
			this.streams.put(id, stream);
			this.listener.streamOpened(transport(), !kind.unidirectional, true);
			if (logger.isDebugEnabled()) {
				logger.debug(this.logPrefix + "Opened " + stream);
			}
			return stream;
		}
		finally {
			this.lock.unlock();
		}
	}

	private void awaitPeerParameters() throws IOException {
		while (this.peerParameters == null) {
			checkOpen();
			await(this.sendCondition, "waiting for the peer's transport parameters");
		}
		checkOpen();
	}

	// ---- called by streams, under the lock ---------------------------------------------

	/**
	 * Wait until a stream may send, then claim credit for up to {@code wanted} bytes.
	 * @return the number of bytes claimed, at least 1
	 */
	int awaitSendCredit(QmuxStream stream, int wanted) throws IOException {
		while (true) {
			stream.checkWritable();
			long streamCredit = stream.sendMax - stream.sendOffset;
			long connectionCredit = this.sendMaxData - this.sentData;
			if (streamCredit <= 0) {
				reportStreamBlocked(stream);
			}
			else if (connectionCredit <= 0) {
				reportDataBlocked();
			}
			else if (this.queuedBytes < this.settings.sendBufferLimit()) {
				long limit = Math.min(Math.min(streamCredit, connectionCredit), maxPayload(stream));
				return (int) Math.min(wanted, limit);
			}
			else {
				this.listener.senderBlocked(transport(), BlockedReason.SEND_BUFFER);
			}
			await(this.sendCondition, "waiting for credit on stream " + stream.id());
		}
	}

	private int maxPayload(QmuxStream stream) {
		return Math.min(PAYLOAD_CEILING, StreamFrame.maxPayload(recordBudget(), stream.id(), stream.sendOffset));
	}

	private void reportStreamBlocked(QmuxStream stream) {
		if (stream.blockedReportedAt != stream.sendMax) {
			stream.blockedReportedAt = stream.sendMax;
			this.listener.senderBlocked(transport(), BlockedReason.STREAM_CREDIT);
			queueControl(new StreamLimitFrame(Frame.STREAM_DATA_BLOCKED, stream.id(), stream.sendMax));
		}
	}

	private void reportDataBlocked() {
		if (this.dataBlockedReportedAt != this.sendMaxData) {
			this.dataBlockedReportedAt = this.sendMaxData;
			this.listener.senderBlocked(transport(), BlockedReason.CONNECTION_CREDIT);
			queueControl(new LimitFrame(Frame.DATA_BLOCKED, this.sendMaxData));
		}
	}

	void queueStreamData(StreamFrame frame, int bytes) {
		this.data.add(frame);
		this.queuedBytes += bytes;
		this.sentData += bytes;
		scheduleWriter();
	}

	void queueReset(QmuxStream stream, long errorCode) {
		this.listener.streamReset(transport(), false);
		for (Iterator<Frame> it = this.data.iterator(); it.hasNext();) {
			if (it.next() instanceof StreamFrame frame && frame.streamId() == stream.id()) {
				this.queuedBytes -= frame.data().remaining();
				it.remove();
			}
		}
		queueControl(new ResetStreamFrame(stream.id(), errorCode, stream.sendOffset));
	}

	void queueStopSending(QmuxStream stream, long errorCode) {
		queueControl(new StopSendingFrame(stream.id(), errorCode));
	}

	/**
	 * Return stream and connection credit for bytes the application read.
	 */
	void consumed(QmuxStream stream, int bytes) {
		boolean open = stream.receiveState == StreamState.Receive.RECV;
		if (open && stream.receiveMax - stream.readOffset <= stream.receiveWindow / 2) {
			stream.receiveMax = stream.readOffset + stream.receiveWindow;
			queueUpdate(new StreamLimitFrame(Frame.MAX_STREAM_DATA, stream.id(), stream.receiveMax), stream.id());
		}
		discarded(bytes);
	}

	/**
	 * Return connection credit for bytes that left the receive buffers.
	 */
	void discarded(long bytes) {
		this.consumedData += bytes;
		long window = this.settings.initialMaxData();
		if (this.receiveMaxData - this.consumedData <= window / 2) {
			this.receiveMaxData = this.consumedData + window;
			queueUpdate(new LimitFrame(Frame.MAX_DATA, this.receiveMaxData), 0);
		}
	}

	/**
	 * Forget a stream once both halves ended; a peer stream then returns its stream credit.
	 */
	void maybeRetire(QmuxStream stream) {
		if (!stream.isTerminal() || this.streams.remove(stream.id()) == null) {
			return;
		}
		this.listener.streamClosed(transport(), !StreamIds.isUnidirectional(stream.id()));
		if (logger.isDebugEnabled()) {
			logger.debug(this.logPrefix + "Retired " + stream);
		}
		if (!isLocal(stream.id())) {
			creditRetired(StreamIds.isUnidirectional(stream.id()) ? this.unidirectional : this.bidirectional, stream);
		}
	}

	private void creditRetired(Kind kind, QmuxStream stream) {
		if (!stream.accepted || stream.credited || !stream.isTerminal()) {
			return;
		}
		stream.credited = true;
		kind.peerRetired++;
		// Credit goes back at once: this side cannot see streams the peer opened but has not
		// written to yet, so any batching could leave the peer waiting with no stream open.
		long limit = kind.peerRetired + kind.initialLimit;
		if (limit > kind.localLimit) {
			kind.localLimit = limit;
			queueUpdate(new LimitFrame(Frame.MAX_STREAMS_BIDI + (kind.unidirectional ? 1 : 0), limit), 0);
		}
	}

	void peerReset() {
		this.listener.streamReset(transport(), true);
	}

	void signalSenders() {
		this.sendCondition.signalAll();
	}

	boolean isLocal(long id) {
		return StreamIds.isServerInitiated(id) == this.server;
	}

	boolean isOpenLocked() {
		return this.closeInfo == null;
	}

	void checkOpen() throws SessionClosedException {
		if (this.closeInfo != null) {
			throw new SessionClosedException(this.closeInfo);
		}
	}

	private void await(Condition condition, String what) throws InterruptedIOException {
		try {
			condition.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new InterruptedIOException(this.logPrefix + "Interrupted while " + what);
		}
	}

	// ---- outbound ----------------------------------------------------------------------

	private void queueControl(Frame frame) {
		if (this.closeInfo == null) {
			this.control.add(frame);
			scheduleWriter();
		}
	}

	private void queueUpdate(Frame frame, long streamId) {
		if (this.closeInfo == null) {
			this.updates.put(new UpdateKey(frame.type(), streamId), frame);
			scheduleWriter();
		}
	}

	private int recordBudget() {
		long peer = (this.peerParameters != null) ? this.peerParameters.maxRecordSize() : QmuxSettings.MIN_RECORD_SIZE;
		return (int) Math.min(peer, RECORD_CAP);
	}

	private void scheduleWriter() {
		if (!this.writerRunning) {
			this.writerRunning = true;
			try {
				this.runtime.writerExecutor().execute(this::drain);
			}
			catch (RejectedExecutionException ex) {
				// The runtime is shutting down; nothing will read these records any more.
				this.writerRunning = false;
			}
		}
	}

	/** Write queued records until the queues are empty; runs as one task at a time. */
	private void drain() {
		while (true) {
			ByteBuffer record;
			int closeStatus = -1;
			this.lock.lock();
			try {
				record = nextRecord();
				if (record == null) {
					this.writerRunning = false;
					closeStatus = this.closeStatusAfterFlush;
					this.closeStatusAfterFlush = -1;
				}
				else {
					this.keepAlive.sent();
					this.listener.bytesSent(transport(), record.remaining());
				}
			}
			finally {
				this.lock.unlock();
			}
			if (record == null) {
				if (closeStatus >= 0) {
					this.transport.close(closeStatus, "");
				}
				return;
			}
			if (!send(record)) {
				return;
			}
		}
	}

	private boolean send(ByteBuffer record) {
		try {
			this.transport.send(record);
			return true;
		}
		catch (IOException | RuntimeException ex) {
			onTransportError(ex);
			this.lock.lock();
			try {
				this.writerRunning = false;
			}
			finally {
				this.lock.unlock();
			}
			this.transport.close(1011, "");
			return false;
		}
	}

	/** Pack the next record from the queues, or return {@code null} when they are empty. */
	private ByteBuffer nextRecord() {
		int budget = recordBudget();
		List<Frame> frames = new ArrayList<>();
		int size = take(this.control, frames, budget, 0);
		size = takeUpdates(frames, budget, size);
		long before = this.queuedBytes;
		size = take(this.data, frames, budget, size);
		if (this.queuedBytes != before) {
			this.sendCondition.signalAll();
		}
		if (frames.isEmpty()) {
			return null;
		}
		ByteBuffer record = ByteBuffer.allocate(size);
		for (Frame frame : frames) {
			if (logger.isTraceEnabled()) {
				logger.trace(this.logPrefix + "Sending " + frame);
			}
			frame.encode(record);
		}
		return record.flip();
	}

	private int takeUpdates(List<Frame> frames, int budget, int size) {
		for (Iterator<Frame> it = this.updates.values().iterator(); it.hasNext();) {
			Frame frame = it.next();
			if (size + frame.encodedSize() > budget) {
				break;
			}
			frames.add(frame);
			size += frame.encodedSize();
			it.remove();
		}
		return size;
	}

	private int take(ArrayDeque<Frame> queue, List<Frame> frames, int budget, int size) {
		while (!queue.isEmpty()) {
			int frameSize = queue.peek().encodedSize();
			if (size + frameSize > budget && !(frames.isEmpty() && frameSize > budget)) {
				break;
			}
			Frame frame = queue.poll();
			if (frameSize > budget) {
				logger.warn(this.logPrefix + "Dropped a frame of " + frameSize + " bytes that fits no record");
				continue;
			}
			frames.add(frame);
			size += frameSize;
			if (frame instanceof StreamFrame stream) {
				this.queuedBytes -= stream.data().remaining();
			}
			else if (frame instanceof DatagramFrame datagram) {
				this.queuedBytes -= datagram.data().remaining();
			}
		}
		return size;
	}

	// ---- ending ------------------------------------------------------------------------

	private void fail(QmuxProtocolException ex) {
		if (this.closeInfo != null) {
			return;
		}
		if (logger.isDebugEnabled()) {
			logger.debug(this.logPrefix + "Closing with " + ex.getErrorCode() + ": " + ex.getMessage());
		}
		this.listener.protocolError(transport(), ex.getErrorCode().name());
		String reason = truncate(ex.getMessage());
		finish(new CloseInfo(ex.getErrorCode().code(), reason, false, true),
				new CloseFrame(false, ex.getErrorCode().code(), ex.getFrameType(), reason), 1002);
	}

	/**
	 * End the session: optionally send a close frame, then close the transport; wake everyone.
	 * @param info how the session ended
	 * @param closeFrame the frame to send first, or {@code null}
	 * @param transportStatus the WebSocket status to close with, or -1 if the transport is gone
	 */
	private void finish(CloseInfo info, Frame closeFrame, int transportStatus) {
		finish(info, closeFrame, transportStatus, info.graceful() ? CloseOutcome.GRACEFUL : CloseOutcome.ERROR);
	}

	private void finish(CloseInfo info, Frame closeFrame, int transportStatus, CloseOutcome outcome) {
		this.closeInfo = info;
		this.keepAlive.stop();
		// Transport parameters not yet sent must still lead, or the peer cannot read the close.
		this.control.removeIf((frame) -> !(frame instanceof TransportParametersFrame));
		this.updates.clear();
		this.data.clear();
		this.queuedBytes = 0;
		if (closeFrame != null) {
			this.control.add(closeFrame);
			this.closeStatusAfterFlush = transportStatus;
			scheduleWriter();
			schedule(() -> this.transport.close(transportStatus, ""), CLOSE_FLUSH_MILLIS);
		}
		else if (transportStatus >= 0) {
			execute(() -> this.transport.close(transportStatus, ""));
		}
		SessionClosedException cause = new SessionClosedException(info);
		for (QmuxStream stream : this.streams.values()) {
			stream.onSessionClosed(cause);
			this.listener.streamClosed(transport(), !StreamIds.isUnidirectional(stream.id()));
		}
		this.listener.sessionClosed(transport(), outcome);
		this.streams.clear();
		failWaiters(this.bidirectional.waiters, cause);
		failWaiters(this.unidirectional.waiters, cause);
		failWaiters(this.datagramWaiters, cause);
		this.sendCondition.signalAll();
		this.incomingCondition.signalAll();
		completeLater(this.closed, info);
		if (logger.isDebugEnabled()) {
			logger.debug(this.logPrefix + "Session " + info);
		}
	}

	private void failWaiters(ArrayDeque<? extends CompletableFuture<?>> waiters, Exception cause) {
		for (CompletableFuture<?> waiter : waiters) {
			failLater(waiter, cause);
		}
		waiters.clear();
	}

	private static String truncate(String reason) {
		byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
		if (bytes.length <= MAX_REASON_BYTES) {
			return reason;
		}
		int end = MAX_REASON_BYTES;
		while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
			end--;
		}
		return new String(bytes, 0, end, StandardCharsets.UTF_8);
	}

	// ---- threads -----------------------------------------------------------------------

	<T> void completeLater(CompletableFuture<T> future, T value) {
		execute(() -> future.complete(value));
	}

	void failLater(CompletableFuture<?> future, Throwable cause) {
		if (!future.isDone()) {
			execute(() -> future.completeExceptionally(cause));
		}
	}

	<T> CompletableFuture<T> supplyAsync(IoSupplier<T> supplier) {
		CompletableFuture<T> future = new CompletableFuture<>();
		execute(() -> {
			try {
				future.complete(supplier.get());
			}
			catch (Throwable ex) {
				future.completeExceptionally(ex);
			}
		});
		return future;
	}

	private void execute(Runnable task) {
		try {
			this.runtime.executor().execute(task);
		}
		catch (RejectedExecutionException ex) {
			// The runtime is shutting down; run inline so that futures still complete.
			task.run();
		}
	}

	private void schedule(Runnable task, long delayMillis) {
		try {
			this.runtime.scheduler().schedule(task, delayMillis, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			task.run();
		}
	}

	private long effectiveIdleTimeoutMillis() {
		long local = this.settings.maxIdleTimeout().toMillis();
		long peer = this.peerParameters.maxIdleTimeout();
		if (local == 0 || peer == 0) {
			return Math.max(local, peer);
		}
		return Math.min(local, peer);
	}

	/**
	 * A blocking operation that may fail with an {@link IOException}.
	 */
	@FunctionalInterface
	interface IoSupplier<T> {

		T get() throws IOException;

	}

	/**
	 * Identifies a queued update that a newer one of the same type and stream replaces.
	 */
	private record UpdateKey(long type, long streamId) {
	}

	/**
	 * Stream bookkeeping for one direction (bidirectional or unidirectional), both for the
	 * streams this side opens and for those the peer opens.
	 */
	private static final class Kind {

		final boolean unidirectional;

		final long initialLimit;

		long nextLocalIndex;

		long peerLimit;

		long blockedReportedAt = -1;

		long peerOpened;

		long localLimit;

		long peerRetired;

		final ArrayDeque<QmuxStream> acceptQueue = new ArrayDeque<>();

		final ArrayDeque<CompletableFuture<? super QmuxStream>> waiters = new ArrayDeque<>();

		Kind(boolean unidirectional, long initialLimit) {
			this.unidirectional = unidirectional;
			this.initialLimit = initialLimit;
			this.localLimit = initialLimit;
		}

	}

	/**
	 * Idle timeout and keep-alive pings. Receiving always restarts the idle deadline; sending
	 * restarts it only once per receive (RFC 9000 section 10.1), so that our own pings cannot
	 * keep a silent peer alive. Guarded by the session lock.
	 */
	private final class KeepAlive {

		long nextPingSequence;

		long lastPingReceived = -1;

		private long timeoutNanos;

		private long lastReceive = System.nanoTime();

		private long lastSend = System.nanoTime();

		private long firstSendAfterReceive;

		private ScheduledFuture<?> task;

		private boolean ping;

		/**
		 * Start, or restart with a new timeout, the periodic check.
		 * @param timeoutMillis the idle timeout, 0 for none
		 * @param ping whether to send keep-alive pings, which needs the peer's parameters
		 */
		void start(long timeoutMillis, boolean ping) {
			stop();
			this.ping = ping;
			if (timeoutMillis <= 0) {
				return;
			}
			this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
			long tick = Math.max(50, timeoutMillis / 6);
			try {
				this.task = QmuxSession.this.runtime.scheduler().scheduleAtFixedRate(this::tick, tick, tick,
						TimeUnit.MILLISECONDS);
			}
			catch (RejectedExecutionException ex) {
				logger.debug(QmuxSession.this.logPrefix + "Runtime is shutting down; no idle timeout");
			}
		}

		void stop() {
			if (this.task != null) {
				this.task.cancel(false);
			}
		}

		void received() {
			this.lastReceive = System.nanoTime();
			this.firstSendAfterReceive = 0;
		}

		void sent() {
			this.lastSend = System.nanoTime();
			if (this.firstSendAfterReceive == 0) {
				this.firstSendAfterReceive = this.lastSend;
			}
		}

		private void tick() {
			QmuxSession.this.lock.lock();
			try {
				if (QmuxSession.this.closeInfo != null) {
					return;
				}
				long now = System.nanoTime();
				long activity = Math.max(this.lastReceive, this.firstSendAfterReceive);
				if (now - activity > this.timeoutNanos) {
					disconnectLogger.debug(QmuxSession.this.logPrefix + "Idle timeout after "
							+ TimeUnit.NANOSECONDS.toMillis(now - activity) + " ms without activity");
					finish(new CloseInfo(0, "idle timeout", false, true), null, 1001, CloseOutcome.IDLE);
				}
				else if (this.ping && now - this.lastSend > this.timeoutNanos / 3) {
					queueControl(new PingFrame(false, this.nextPingSequence++));
				}
			}
			finally {
				QmuxSession.this.lock.unlock();
			}
		}

	}

}
