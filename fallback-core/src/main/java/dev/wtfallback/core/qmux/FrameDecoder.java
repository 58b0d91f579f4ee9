package dev.wtfallback.core.qmux;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

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

/**
 * Splits a QMux record into frames. Payloads are copied, so the record buffer may be reused
 * once {@link #decode(ByteBuffer)} returns.
 */
public final class FrameDecoder {

	private FrameDecoder() {
	}

	/**
	 * Decode every frame of a record, skipping PADDING.
	 * @param record the record; read from position to limit
	 * @return the frames in order
	 * @throws QmuxProtocolException with FRAME_ENCODING_ERROR for a truncated or malformed
	 * frame or an unknown frame type
	 */
	public static List<Frame> decode(ByteBuffer record) {
		List<Frame> frames = new ArrayList<>();
		while (record.hasRemaining()) {
			long type = VarInts.read(record);
			if (type != Frame.PADDING) {
				frames.add(decodeFrame(type, record));
			}
		}
		return frames;
	}

	private static Frame decodeFrame(long type, ByteBuffer in) {
		if (type >= Frame.STREAM && type <= Frame.STREAM + 7) {
			return decodeStream(type, in);
		}
		if (type == Frame.RESET_STREAM) {
			return new ResetStreamFrame(VarInts.read(in), VarInts.read(in), VarInts.read(in));
		}
		if (type == Frame.RESET_STREAM_AT) {
			ResetStreamAtFrame frame = new ResetStreamAtFrame(VarInts.read(in), VarInts.read(in), VarInts.read(in),
					VarInts.read(in));
			if (frame.reliableSize() > frame.finalSize()) {
				throw malformed(type, "RESET_STREAM_AT reliable size exceeds its final size");
			}
			return frame;
		}
		if (type == Frame.STOP_SENDING) {
			return new StopSendingFrame(VarInts.read(in), VarInts.read(in));
		}
		if (type == Frame.MAX_STREAM_DATA || type == Frame.STREAM_DATA_BLOCKED) {
			return new StreamLimitFrame(type, VarInts.read(in), VarInts.read(in));
		}
		if (type >= Frame.MAX_DATA && type <= Frame.STREAMS_BLOCKED_BIDI + 1) {
			return new LimitFrame(type, VarInts.read(in));
		}
		if (type == Frame.CONNECTION_CLOSE || type == Frame.APPLICATION_CLOSE) {
			return decodeClose(type, in);
		}
		if (type == Frame.DATAGRAM || type == Frame.DATAGRAM + 1) {
			int length = (type == Frame.DATAGRAM) ? in.remaining() : length(type, in);
			return new DatagramFrame(copy(type, in, length));
		}
		if (type == Frame.TRANSPORT_PARAMETERS) {
			ByteBuffer parameters = copy(type, in, length(type, in));
			return new TransportParametersFrame(TransportParameters.decode(parameters));
		}
		if (type == Frame.PING_REQUEST || type == Frame.PING_RESPONSE) {
			return new PingFrame(type == Frame.PING_RESPONSE, VarInts.read(in));
		}
		throw malformed(type, "Unknown frame type 0x" + Long.toHexString(type));
	}

	private static StreamFrame decodeStream(long type, ByteBuffer in) {
		long streamId = VarInts.read(in);
		long offset = ((type & 0x04) != 0) ? VarInts.read(in) : 0;
		int length = ((type & 0x02) != 0) ? length(type, in) : in.remaining();
		if (offset + length > VarInts.MAX_VALUE) {
			throw malformed(type, "STREAM frame for stream " + streamId + " ends beyond 2^62-1");
		}
		return new StreamFrame(streamId, offset, copy(type, in, length), (type & 0x01) != 0);
	}

	private static CloseFrame decodeClose(long type, ByteBuffer in) {
		boolean application = (type == Frame.APPLICATION_CLOSE);
		long errorCode = VarInts.read(in);
		long frameType = application ? 0 : VarInts.read(in);
		ByteBuffer reason = copy(type, in, length(type, in));
		try {
			String text = StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(reason)
				.toString();
			return new CloseFrame(application, errorCode, frameType, text);
		}
		catch (CharacterCodingException ex) {
			throw malformed(type, "Close reason is not valid UTF-8");
		}
	}

	private static int length(long type, ByteBuffer in) {
		long length = VarInts.read(in);
		if (length > in.remaining()) {
			throw malformed(type, "Frame declares " + length + " bytes but only " + in.remaining() + " remain");
		}
		return (int) length;
	}

	private static ByteBuffer copy(long type, ByteBuffer in, int length) {
		if (length > in.remaining()) {
			throw malformed(type, "Frame is truncated");
		}
		byte[] bytes = new byte[length];
		in.get(bytes);
		return ByteBuffer.wrap(bytes);
	}

	private static QmuxProtocolException malformed(long type, String message) {
		return new QmuxProtocolException(QmuxErrorCode.FRAME_ENCODING_ERROR, type, message);
	}

}
