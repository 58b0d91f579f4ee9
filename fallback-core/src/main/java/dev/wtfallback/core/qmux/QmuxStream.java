package dev.wtfallback.core.qmux;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.wtfallback.core.BidirectionalStream;
import dev.wtfallback.core.StreamResetException;
import dev.wtfallback.core.qmux.Frame.StreamFrame;

/**
 * One stream of a {@link QmuxSession}, with a sending half, a receiving half, or both.
 *
 * <p>Threading: every field is guarded by the session's lock, except {@link #writeLock}, which
 * writers hold for a whole write so that concurrent writes land whole and in order. A writer
 * waits for credit on the session's send condition; a reader waits on {@link #readable}.
 *
 * <p>A unidirectional stream implements only the half its direction allows; calling the other
 * half's methods fails with {@link IllegalStateException}.
 */
final class QmuxStream implements BidirectionalStream {

	private final QmuxSession session;

	private final long id;

	private final ReentrantLock writeLock = new ReentrantLock();

	private final Condition readable;

	// Sending half, null state when this side cannot send.
	StreamState.Send sendState;

	long sendOffset;

	long sendMax;

	long blockedReportedAt = -1;

	private StreamResetException sendError;

	final CompletableFuture<Void> sendClosed = new CompletableFuture<>();

	// Receiving half, null state when this side cannot receive.
	StreamState.Receive receiveState;

	private final ArrayDeque<ByteBuffer> chunks = new ArrayDeque<>();

	long receivedOffset;

	long readOffset;

	long receiveMax;

	final long receiveWindow;

	long finalSize = -1;

	private StreamResetException receiveError;

	final CompletableFuture<Void> receiveClosed = new CompletableFuture<>();

	boolean accepted;

	boolean credited;

	QmuxStream(QmuxSession session, long id, boolean canSend, long sendMax, boolean canReceive, long receiveWindow) {
		this.session = session;
		this.id = id;
		this.readable = session.lock.newCondition();
		this.sendState = canSend ? StreamState.Send.SEND : null;
		this.sendMax = sendMax;
		this.receiveState = canReceive ? StreamState.Receive.RECV : null;
		this.receiveWindow = receiveWindow;
		this.receiveMax = receiveWindow;
		if (!canSend) {
			this.sendClosed.completeExceptionally(new IllegalStateException("Stream " + id + " cannot send"));
		}
		if (!canReceive) {
			this.receiveClosed.completeExceptionally(new IllegalStateException("Stream " + id + " cannot receive"));
		}
	}

	@Override
	public long id() {
		return this.id;
	}

	// ---- sending half ------------------------------------------------------------------

	@Override
	public void write(byte[] data, int offset, int length) throws IOException {
		requireSendHalf();
		ByteBuffer remaining = ByteBuffer.wrap(data, offset, length);
		lockForWrite();
		try {
			this.session.lock.lock();
			try {
				while (remaining.hasRemaining()) {
					checkWritable();
					int chunk = this.session.awaitSendCredit(this, remaining.remaining());
					if (chunk > 0) {
						queueData(remaining, chunk);
					}
				}
			}
			finally {
				this.session.lock.unlock();
			}
		}
		finally {
			this.writeLock.unlock();
		}
	}

	private void lockForWrite() throws InterruptedIOException {
		try {
			this.writeLock.lockInterruptibly();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new InterruptedIOException("Interrupted while waiting to write to stream " + this.id);
		}
	}

	/** Caller holds the session lock and has checked the credit. */
	private void queueData(ByteBuffer remaining, int chunk) {
		byte[] copy = new byte[chunk];
		remaining.get(copy);
		StreamFrame frame = new StreamFrame(this.id, this.sendOffset, ByteBuffer.wrap(copy), false);
		this.sendOffset += chunk;
		this.session.queueStreamData(frame, chunk);
	}

	/** Caller holds the session lock. */
	void checkWritable() throws IOException {
		this.session.checkOpen();
		if (this.sendError != null) {
			throw new StreamResetException(this.id, this.sendError.getErrorCode(), this.sendError.isRemote(),
					this.sendError.getMessage());
		}
		if (this.sendState != StreamState.Send.SEND) {
			throw new IOException("Stream " + this.id + " was already finished");
		}
	}

	@Override
	public CompletableFuture<Void> writeAsync(ByteBuffer data) {
		byte[] copy = new byte[data.remaining()];
		data.get(copy);
		return this.session.supplyAsync(() -> {
			write(copy);
			return null;
		});
	}

	@Override
	public void finish() throws IOException {
		requireSendHalf();
		lockForWrite();
		try {
			this.session.lock.lock();
			try {
				if (this.sendState != StreamState.Send.SEND) {
					return;
				}
				this.session.checkOpen();
				this.sendState = StreamState.Send.DATA_SENT;
				StreamFrame fin = new StreamFrame(this.id, this.sendOffset, ByteBuffer.allocate(0), true);
				this.session.queueStreamData(fin, 0);
				this.session.completeLater(this.sendClosed, null);
				this.session.maybeRetire(this);
			}
			finally {
				this.session.lock.unlock();
			}
		}
		finally {
			this.writeLock.unlock();
		}
	}

	@Override
	public void reset(long errorCode) {
		requireSendHalf();
		requireCode(errorCode);
		this.session.lock.lock();
		try {
			resetSending(errorCode, false);
		}
		finally {
			this.session.lock.unlock();
		}
	}

	/**
	 * Abort the sending half, queueing RESET_STREAM. Caller holds the session lock.
	 * @param errorCode the application error code
	 * @param remote whether the peer asked for it with STOP_SENDING
	 */
	void resetSending(long errorCode, boolean remote) {
		if (this.sendState != StreamState.Send.SEND || !this.session.isOpenLocked()) {
			return;
		}
		this.sendState = StreamState.Send.RESET_SENT;
		this.sendError = new StreamResetException(this.id, errorCode, remote, remote
				? "Peer stopped stream " + this.id + " with code " + errorCode
				: "Stream " + this.id + " was reset with code " + errorCode);
		this.session.queueReset(this, errorCode);
		this.session.signalSenders();
		this.session.failLater(this.sendClosed, this.sendError);
		this.session.maybeRetire(this);
	}

	@Override
	public CompletableFuture<Void> sendClosed() {
		return this.sendClosed;
	}

	@Override
	public OutputStream outputStream() {
		requireSendHalf();
		return new OutputStream() {

			@Override
			public void write(int b) throws IOException {
				QmuxStream.this.write(new byte[] { (byte) b }, 0, 1);
			}

			@Override
			public void write(byte[] data, int offset, int length) throws IOException {
				QmuxStream.this.write(data, offset, length);
			}

			@Override
			public void close() throws IOException {
				finish();
			}

		};
	}

	// ---- receiving half ----------------------------------------------------------------

	@Override
	public int read(byte[] buffer, int offset, int length) throws IOException {
		requireReceiveHalf();
		if (length == 0) {
			return 0;
		}
		this.session.lock.lock();
		try {
			while (this.chunks.isEmpty()) {
				if (atEnd()) {
					return -1;
				}
				awaitReadable();
			}
			return take(buffer, offset, length);
		}
		finally {
			this.session.lock.unlock();
		}
	}

	/** Caller holds the session lock; throws for ended or failed states. */
	private boolean atEnd() throws IOException {
		if (this.receiveState == StreamState.Receive.DATA_READ) {
			return true;
		}
		if (this.receiveState == StreamState.Receive.SIZE_KNOWN && this.readOffset == this.finalSize) {
			markDataRead();
			return true;
		}
		if (this.receiveError != null) {
			throw new StreamResetException(this.id, this.receiveError.getErrorCode(), this.receiveError.isRemote(),
					this.receiveError.getMessage());
		}
		this.session.checkOpen();
		return false;
	}

	private void awaitReadable() throws InterruptedIOException {
		try {
			this.readable.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new InterruptedIOException("Interrupted while reading stream " + this.id);
		}
	}

	/** Caller holds the session lock and there is at least one chunk. */
	private int take(byte[] buffer, int offset, int length) {
		int total = 0;
		while (total < length && !this.chunks.isEmpty()) {
			ByteBuffer chunk = this.chunks.peekFirst();
			int n = Math.min(chunk.remaining(), length - total);
			chunk.get(buffer, offset + total, n);
			total += n;
			if (!chunk.hasRemaining()) {
				this.chunks.pollFirst();
			}
		}
		this.readOffset += total;
		this.session.consumed(this, total);
		if (this.receiveState == StreamState.Receive.SIZE_KNOWN && this.readOffset == this.finalSize) {
			markDataRead();
		}
		return total;
	}

	private void markDataRead() {
		this.receiveState = StreamState.Receive.DATA_READ;
		this.session.completeLater(this.receiveClosed, null);
		this.session.maybeRetire(this);
	}

	@Override
	public CompletableFuture<byte[]> readAsync(int maxLength) {
		return this.session.supplyAsync(() -> {
			byte[] buffer = new byte[maxLength];
			int n = read(buffer, 0, maxLength);
			if (n < 0) {
				return new byte[0];
			}
			return (n == maxLength) ? buffer : java.util.Arrays.copyOf(buffer, n);
		});
	}

	@Override
	public byte[] readAllBytes(int maxLength) throws IOException {
		java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
		byte[] buffer = new byte[16384];
		int n;
		while ((n = read(buffer, 0, buffer.length)) >= 0) {
			if (out.size() + n > maxLength) {
				stopSending(0);
				throw new IOException("Stream " + this.id + " carries more than " + maxLength + " bytes");
			}
			out.write(buffer, 0, n);
		}
		return out.toByteArray();
	}

	@Override
	public void stopSending(long errorCode) {
		requireReceiveHalf();
		requireCode(errorCode);
		this.session.lock.lock();
		try {
			if (this.receiveState != StreamState.Receive.RECV && this.receiveState != StreamState.Receive.SIZE_KNOWN) {
				return;
			}
			if (this.receiveState == StreamState.Receive.RECV && this.session.isOpenLocked()) {
				this.session.queueStopSending(this, errorCode);
			}
			this.receiveError = new StreamResetException(this.id, errorCode, false,
					"Stream " + this.id + " was stopped with code " + errorCode);
			this.receiveState = StreamState.Receive.STOPPED;
			discardBuffered();
			this.readable.signalAll();
			this.session.failLater(this.receiveClosed, this.receiveError);
			this.session.maybeRetire(this);
		}
		finally {
			this.session.lock.unlock();
		}
	}

	@Override
	public InputStream inputStream() {
		requireReceiveHalf();
		return new InputStream() {

			@Override
			public int read() throws IOException {
				byte[] one = new byte[1];
				int n = QmuxStream.this.read(one, 0, 1);
				return (n < 0) ? -1 : (one[0] & 0xFF);
			}

			@Override
			public int read(byte[] buffer, int offset, int length) throws IOException {
				return QmuxStream.this.read(buffer, offset, length);
			}

			@Override
			public int available() {
				return QmuxStream.this.buffered();
			}

			@Override
			public void close() {
				stopSending(0);
			}

		};
	}

	@Override
	public CompletableFuture<Void> receiveClosed() {
		return this.receiveClosed;
	}

	int buffered() {
		this.session.lock.lock();
		try {
			return this.chunks.stream().mapToInt(ByteBuffer::remaining).sum();
		}
		finally {
			this.session.lock.unlock();
		}
	}

	// ---- inbound events, all called with the session lock held -------------------------

	/**
	 * Take the bytes of a STREAM frame whose offset and credit the session has checked.
	 * @param data the new bytes, starting at {@link #receivedOffset}
	 * @param fin whether the frame ended the stream
	 */
	void onData(ByteBuffer data, boolean fin) {
		int length = data.remaining();
		this.receivedOffset += length;
		if (fin) {
			this.finalSize = this.receivedOffset;
		}
		if (this.receiveState == StreamState.Receive.STOPPED) {
			this.session.discarded(length);
			return;
		}
		if (length > 0) {
			this.chunks.addLast(data);
		}
		if (fin) {
			this.receiveState = StreamState.Receive.SIZE_KNOWN;
		}
		this.readable.signalAll();
	}

	/**
	 * Apply RESET_STREAM: buffered bytes are dropped and readers fail.
	 * @param errorCode the peer's code
	 */
	void onReset(long errorCode) {
		if (this.receiveState == StreamState.Receive.STOPPED) {
			this.receiveState = StreamState.Receive.RESET_RECVD;
			this.session.maybeRetire(this);
			return;
		}
		this.session.peerReset();
		this.receiveError = new StreamResetException(this.id, errorCode, true,
				"Peer reset stream " + this.id + " with code " + errorCode);
		this.receiveState = StreamState.Receive.RESET_RECVD;
		discardBuffered();
		this.readable.signalAll();
		this.session.failLater(this.receiveClosed, this.receiveError);
		this.session.maybeRetire(this);
	}

	/** Wake readers after the session ended; their next check throws. */
	void onSessionClosed(Exception cause) {
		this.readable.signalAll();
		this.session.failLater(this.sendClosed, cause);
		this.session.failLater(this.receiveClosed, cause);
	}

	private void discardBuffered() {
		int bytes = 0;
		for (ByteBuffer chunk : this.chunks) {
			bytes += chunk.remaining();
		}
		this.chunks.clear();
		this.readOffset += bytes;
		this.session.discarded(bytes);
	}

	boolean isTerminal() {
		boolean sendDone = this.sendState == null || this.sendState != StreamState.Send.SEND;
		boolean receiveDone = this.receiveState == null || this.receiveState == StreamState.Receive.DATA_READ
				|| this.receiveState == StreamState.Receive.RESET_RECVD
				|| (this.receiveState == StreamState.Receive.STOPPED && this.finalSize >= 0);
		return sendDone && receiveDone;
	}

	private void requireSendHalf() {
		if (StreamIds.isUnidirectional(this.id) && !this.session.isLocal(this.id)) {
			throw new IllegalStateException("Stream " + this.id + " is a receive-only unidirectional stream");
		}
	}

	private void requireReceiveHalf() {
		if (StreamIds.isUnidirectional(this.id) && this.session.isLocal(this.id)) {
			throw new IllegalStateException("Stream " + this.id + " is a send-only unidirectional stream");
		}
	}

	private static void requireCode(long errorCode) {
		if (errorCode < 0 || errorCode > VarInts.MAX_VALUE) {
			throw new IllegalArgumentException("Error code " + errorCode + " is outside 0..2^62-1");
		}
	}

	@Override
	public String toString() {
		return StreamIds.describe(this.id);
	}

}
