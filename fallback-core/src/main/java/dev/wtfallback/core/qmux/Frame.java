package dev.wtfallback.core.qmux;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A QMux frame, with its encoding. Types and layouts follow QUIC v1 (RFC 9000 section 19),
 * DATAGRAM (RFC 9221) and the QMux drafts' own QX_ frames.
 */
public sealed interface Frame {

	/** PADDING. */
	long PADDING = 0x00;

	/** RESET_STREAM. */
	long RESET_STREAM = 0x04;

	/** STOP_SENDING. */
	long STOP_SENDING = 0x05;

	/** The first STREAM type; the low three bits are OFF, LEN and FIN. */
	long STREAM = 0x08;

	/** MAX_DATA. */
	long MAX_DATA = 0x10;

	/** MAX_STREAM_DATA. */
	long MAX_STREAM_DATA = 0x11;

	/** MAX_STREAMS for bidirectional streams; 0x13 is the unidirectional form. */
	long MAX_STREAMS_BIDI = 0x12;

	/** DATA_BLOCKED. */
	long DATA_BLOCKED = 0x14;

	/** STREAM_DATA_BLOCKED. */
	long STREAM_DATA_BLOCKED = 0x15;

	/** STREAMS_BLOCKED for bidirectional streams; 0x17 is the unidirectional form. */
	long STREAMS_BLOCKED_BIDI = 0x16;

	/** CONNECTION_CLOSE of the transport kind. */
	long CONNECTION_CLOSE = 0x1c;

	/** CONNECTION_CLOSE of the application kind, called APPLICATION_CLOSE here. */
	long APPLICATION_CLOSE = 0x1d;

	/** RESET_STREAM_AT (draft-ietf-quic-reliable-stream-reset). */
	long RESET_STREAM_AT = 0x24;

	/** DATAGRAM whose payload runs to the end of the record; 0x31 carries a length. */
	long DATAGRAM = 0x30;

	/** QX_TRANSPORT_PARAMETERS. */
	long TRANSPORT_PARAMETERS = 0x3f5153300d0a0d0aL;

	/** QX_PING request. */
	long PING_REQUEST = 0x348c67529ef8c7bdL;

	/** QX_PING response. */
	long PING_RESPONSE = 0x348c67529ef8c7beL;

	/**
	 * Return the frame type as sent on the wire.
	 * @return the type
	 */
	long type();

	/**
	 * Return the encoded size of this frame.
	 * @return the size in bytes
	 */
	int encodedSize();

	/**
	 * Write this frame.
	 * @param buffer the buffer, with at least {@link #encodedSize()} bytes remaining
	 */
	void encode(ByteBuffer buffer);

	/**
	 * Encode this frame into a new buffer, flipped for reading.
	 * @return the encoded frame
	 */
	default ByteBuffer toBuffer() {
		ByteBuffer buffer = ByteBuffer.allocate(encodedSize());
		encode(buffer);
		return buffer.flip();
	}

	/**
	 * STREAM: bytes at an offset of a stream, possibly its last. Always encoded with OFF and LEN.
	 *
	 * @param streamId the stream id
	 * @param offset the stream offset of the first byte
	 * @param data the bytes; position to limit
	 * @param fin whether these bytes end the stream
	 */
	record StreamFrame(long streamId, long offset, ByteBuffer data, boolean fin) implements Frame {

		@Override
		public long type() {
			return STREAM | 0x06 | (this.fin ? 0x01 : 0x00);
		}

		@Override
		public int encodedSize() {
			return 1 + VarInts.size(this.streamId) + VarInts.size(this.offset) + VarInts.size(this.data.remaining())
					+ this.data.remaining();
		}

		@Override
		public void encode(ByteBuffer buffer) {
			VarInts.write(buffer, type());
			VarInts.write(buffer, this.streamId);
			VarInts.write(buffer, this.offset);
			VarInts.write(buffer, this.data.remaining());
			buffer.put(this.data.duplicate());
		}

		/**
		 * Return the largest payload a STREAM frame may carry within a size budget.
		 * @param budget the largest encoded frame allowed
		 * @param streamId the stream id
		 * @param offset the offset
		 * @return the payload size, possibly 0
		 */
		static int maxPayload(long budget, long streamId, long offset) {
			long room = budget - 1 - VarInts.size(streamId) - VarInts.size(offset);
			for (int lengthSize = 1; lengthSize <= 8; lengthSize *= 2) {
				long payload = Math.min(room - lengthSize, Integer.MAX_VALUE);
				if (payload >= 0 && VarInts.size(payload) <= lengthSize) {
					return (int) payload;
				}
			}
			return 0;
		}

	}

	/**
	 * RESET_STREAM: the sender abandons its direction of a stream.
	 *
	 * @param streamId the stream id
	 * @param errorCode the application error code
	 * @param finalSize the number of bytes the sender had counted against flow control
	 */
	record ResetStreamFrame(long streamId, long errorCode, long finalSize) implements Frame {

		@Override
		public long type() {
			return RESET_STREAM;
		}

		@Override
		public int encodedSize() {
			return 1 + VarInts.size(this.streamId) + VarInts.size(this.errorCode) + VarInts.size(this.finalSize);
		}

		@Override
		public void encode(ByteBuffer buffer) {
			VarInts.write(buffer, RESET_STREAM);
			VarInts.write(buffer, this.streamId);
			VarInts.write(buffer, this.errorCode);
			VarInts.write(buffer, this.finalSize);
		}

	}

	/**
	 * RESET_STREAM_AT: a reset that first delivers the bytes up to a reliable size. Decoded only,
	 * so that it can be refused with the right error; this endpoint never advertises support.
	 *
	 * @param streamId the stream id
	 * @param errorCode the application error code
	 * @param finalSize the final size
	 * @param reliableSize the bytes to deliver before the reset
	 */
	record ResetStreamAtFrame(long streamId, long errorCode, long finalSize, long reliableSize) implements Frame {

		@Override
		public long type() {
			return RESET_STREAM_AT;
		}

		@Override
		public int encodedSize() {
			return 1 + VarInts.size(this.streamId) + VarInts.size(this.errorCode) + VarInts.size(this.finalSize)
					+ VarInts.size(this.reliableSize);
		}

		@Override
		public void encode(ByteBuffer buffer) {
			VarInts.write(buffer, RESET_STREAM_AT);
			VarInts.write(buffer, this.streamId);
			VarInts.write(buffer, this.errorCode);
			VarInts.write(buffer, this.finalSize);
			VarInts.write(buffer, this.reliableSize);
		}

	}

	/**
	 * STOP_SENDING: the receiver asks the sender to reset its direction.
	 *
	 * @param streamId the stream id
	 * @param errorCode the application error code
	 */
	record StopSendingFrame(long streamId, long errorCode) implements Frame {

		@Override
		public long type() {
			return STOP_SENDING;
		}

		@Override
		public int encodedSize() {
			return 1 + VarInts.size(this.streamId) + VarInts.size(this.errorCode);
		}

		@Override
		public void encode(ByteBuffer buffer) {
			VarInts.write(buffer, STOP_SENDING);
			VarInts.write(buffer, this.streamId);
			VarInts.write(buffer, this.errorCode);
		}

	}

	/**
	 * One of the frames that carry a single limit: MAX_DATA, MAX_STREAMS, DATA_BLOCKED and
	 * STREAMS_BLOCKED.
	 *
	 * @param type the frame type
	 * @param value the limit
	 */
	record LimitFrame(long type, long value) implements Frame {

		@Override
		public int encodedSize() {
			return 1 + VarInts.size(this.value);
		}

		@Override
		public void encode(ByteBuffer buffer) {
			VarInts.write(buffer, this.type);
			VarInts.write(buffer, this.value);
		}

	}

	/**
	 * One of the per-stream limit frames: MAX_STREAM_DATA and STREAM_DATA_BLOCKED.
	 *
	 * @param type the frame type
	 * @param streamId the stream id
	 * @param value the limit
	 */
	record StreamLimitFrame(long type, long streamId, long value) implements Frame {

		@Override
		public int encodedSize() {
			return 1 + VarInts.size(this.streamId) + VarInts.size(this.value);
		}

		@Override
		public void encode(ByteBuffer buffer) {
			VarInts.write(buffer, this.type);
			VarInts.write(buffer, this.streamId);
			VarInts.write(buffer, this.value);
		}

	}

	/**
	 * CONNECTION_CLOSE (a transport error) or APPLICATION_CLOSE (a graceful end).
	 *
	 * @param application whether this is APPLICATION_CLOSE
	 * @param errorCode the transport error or application close code
	 * @param frameType for CONNECTION_CLOSE, the type of the frame that caused the error
	 * @param reason the reason phrase
	 */
	record CloseFrame(boolean application, long errorCode, long frameType, String reason) implements Frame {

		@Override
		public long type() {
			return this.application ? APPLICATION_CLOSE : CONNECTION_CLOSE;
		}

		@Override
		public int encodedSize() {
			int reasonLength = this.reason.getBytes(StandardCharsets.UTF_8).length;
			return 1 + VarInts.size(this.errorCode) + (this.application ? 0 : VarInts.size(this.frameType))
					+ VarInts.size(reasonLength) + reasonLength;
		}

		@Override
		public void encode(ByteBuffer buffer) {
			byte[] reasonBytes = this.reason.getBytes(StandardCharsets.UTF_8);
			VarInts.write(buffer, type());
			VarInts.write(buffer, this.errorCode);
			if (!this.application) {
				VarInts.write(buffer, this.frameType);
			}
			VarInts.write(buffer, reasonBytes.length);
			buffer.put(reasonBytes);
		}

	}

	/**
	 * DATAGRAM, always encoded with a length.
	 *
	 * @param data the payload; position to limit
	 */
	record DatagramFrame(ByteBuffer data) implements Frame {

		@Override
		public long type() {
			return DATAGRAM | 0x01;
		}

		@Override
		public int encodedSize() {
			return 1 + VarInts.size(this.data.remaining()) + this.data.remaining();
		}

		@Override
		public void encode(ByteBuffer buffer) {
			VarInts.write(buffer, type());
			VarInts.write(buffer, this.data.remaining());
			buffer.put(this.data.duplicate());
		}

	}

	/**
	 * QX_TRANSPORT_PARAMETERS, the first frame each side sends.
	 *
	 * @param parameters the parameters
	 */
	record TransportParametersFrame(TransportParameters parameters) implements Frame {

		@Override
		public long type() {
			return TRANSPORT_PARAMETERS;
		}

		@Override
		public int encodedSize() {
			int length = this.parameters.encodedSize();
			return 8 + VarInts.size(length) + length;
		}

		@Override
		public void encode(ByteBuffer buffer) {
			VarInts.write(buffer, TRANSPORT_PARAMETERS);
			VarInts.write(buffer, this.parameters.encodedSize());
			this.parameters.encode(buffer);
		}

	}

	/**
	 * QX_PING request or response.
	 *
	 * @param response whether this answers a request
	 * @param sequence the sequence number; a response echoes the request's
	 */
	record PingFrame(boolean response, long sequence) implements Frame {

		@Override
		public long type() {
			return this.response ? PING_RESPONSE : PING_REQUEST;
		}

		@Override
		public int encodedSize() {
			return 8 + VarInts.size(this.sequence);
		}

		@Override
		public void encode(ByteBuffer buffer) {
			VarInts.write(buffer, type());
			VarInts.write(buffer, this.sequence);
		}

	}

}
