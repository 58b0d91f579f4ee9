package dev.wtfallback.core.qmux;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;

/**
 * The limits one endpoint announces in its QX_TRANSPORT_PARAMETERS frame. A parameter left out
 * decodes as zero, except max_record_size which defaults to {@value QmuxSettings#MIN_RECORD_SIZE}.
 *
 * @param maxIdleTimeout max_idle_timeout in milliseconds, 0 for none
 * @param initialMaxData initial_max_data
 * @param initialMaxStreamDataBidiLocal initial_max_stream_data_bidi_local
 * @param initialMaxStreamDataBidiRemote initial_max_stream_data_bidi_remote
 * @param initialMaxStreamDataUni initial_max_stream_data_uni
 * @param initialMaxStreamsBidi initial_max_streams_bidi
 * @param initialMaxStreamsUni initial_max_streams_uni
 * @param maxDatagramFrameSize max_datagram_frame_size, 0 when datagrams are refused
 * @param maxRecordSize max_record_size
 * @param resetStreamAt whether RESET_STREAM_AT may be sent to this endpoint
 */
public record TransportParameters(long maxIdleTimeout, long initialMaxData, long initialMaxStreamDataBidiLocal,
		long initialMaxStreamDataBidiRemote, long initialMaxStreamDataUni, long initialMaxStreamsBidi,
		long initialMaxStreamsUni, long maxDatagramFrameSize, long maxRecordSize, boolean resetStreamAt) {

	static final long MAX_IDLE_TIMEOUT = 0x01;

	static final long INITIAL_MAX_DATA = 0x04;

	static final long INITIAL_MAX_STREAM_DATA_BIDI_LOCAL = 0x05;

	static final long INITIAL_MAX_STREAM_DATA_BIDI_REMOTE = 0x06;

	static final long INITIAL_MAX_STREAM_DATA_UNI = 0x07;

	static final long INITIAL_MAX_STREAMS_BIDI = 0x08;

	static final long INITIAL_MAX_STREAMS_UNI = 0x09;

	static final long RESET_STREAM_AT = 0x1d;

	static final long MAX_DATAGRAM_FRAME_SIZE = 0x20;

	static final long MAX_RECORD_SIZE = 0x0571c59429cd0845L;

	/**
	 * Return the parameters that announce the given settings.
	 * @param settings the local settings
	 * @return the parameters
	 */
	public static TransportParameters of(QmuxSettings settings) {
		return new TransportParameters(settings.maxIdleTimeout().toMillis(), settings.initialMaxData(),
				settings.initialMaxStreamDataBidiLocal(), settings.initialMaxStreamDataBidiRemote(),
				settings.initialMaxStreamDataUni(), settings.initialMaxStreamsBidi(), settings.initialMaxStreamsUni(),
				settings.maxDatagramFrameSize(), settings.maxRecordSize(), false);
	}

	/**
	 * Return the size of the encoded parameter list, without the frame header.
	 * @return the size in bytes
	 */
	public int encodedSize() {
		ByteBuffer scratch = ByteBuffer.allocate(256);
		encode(scratch);
		return scratch.position();
	}

	/**
	 * Write the parameter list, without the frame header. Zero values other than
	 * max_record_size are left out, since absence means zero.
	 * @param buffer the buffer to write to
	 */
	public void encode(ByteBuffer buffer) {
		writeIfSet(buffer, MAX_IDLE_TIMEOUT, this.maxIdleTimeout);
		writeIfSet(buffer, INITIAL_MAX_DATA, this.initialMaxData);
		writeIfSet(buffer, INITIAL_MAX_STREAM_DATA_BIDI_LOCAL, this.initialMaxStreamDataBidiLocal);
		writeIfSet(buffer, INITIAL_MAX_STREAM_DATA_BIDI_REMOTE, this.initialMaxStreamDataBidiRemote);
		writeIfSet(buffer, INITIAL_MAX_STREAM_DATA_UNI, this.initialMaxStreamDataUni);
		writeIfSet(buffer, INITIAL_MAX_STREAMS_BIDI, this.initialMaxStreamsBidi);
		writeIfSet(buffer, INITIAL_MAX_STREAMS_UNI, this.initialMaxStreamsUni);
		writeIfSet(buffer, MAX_DATAGRAM_FRAME_SIZE, this.maxDatagramFrameSize);
		writeParameter(buffer, MAX_RECORD_SIZE, this.maxRecordSize);
		if (this.resetStreamAt) {
			VarInts.write(buffer, RESET_STREAM_AT);
			VarInts.write(buffer, 0);
		}
	}

	private static void writeIfSet(ByteBuffer buffer, long id, long value) {
		if (value != 0) {
			writeParameter(buffer, id, value);
		}
	}

	private static void writeParameter(ByteBuffer buffer, long id, long value) {
		VarInts.write(buffer, id);
		VarInts.write(buffer, VarInts.size(value));
		VarInts.write(buffer, value);
	}

	/**
	 * Read a parameter list.
	 * @param buffer the parameter list, exactly
	 * @return the parameters
	 * @throws QmuxProtocolException with TRANSPORT_PARAMETER_ERROR for a malformed, repeated or
	 * forbidden parameter
	 */
	public static TransportParameters decode(ByteBuffer buffer) {
		long[] values = new long[10];
		values[8] = QmuxSettings.MIN_RECORD_SIZE;
		boolean resetStreamAt = false;
		Set<Long> seen = new HashSet<>();
		while (buffer.hasRemaining()) {
			long id = readField(buffer);
			int length = (int) Math.min(readField(buffer), Integer.MAX_VALUE);
			if (length > buffer.remaining()) {
				throw error("Transport parameter 0x" + Long.toHexString(id) + " is truncated");
			}
			ByteBuffer value = buffer.slice().limit(length);
			buffer.position(buffer.position() + length);
			int slot = slotOf(id);
			if (slot < 0 && id != RESET_STREAM_AT) {
				continue;
			}
			if (!seen.add(id)) {
				throw error("Transport parameter 0x" + Long.toHexString(id) + " is repeated");
			}
			if (id == RESET_STREAM_AT) {
				if (length != 0) {
					throw error("Transport parameter reset_stream_at must be empty");
				}
				resetStreamAt = true;
				continue;
			}
			values[slot] = readField(value);
			if (value.hasRemaining()) {
				throw error("Transport parameter 0x" + Long.toHexString(id) + " has trailing bytes");
			}
		}
		if (values[8] < QmuxSettings.MIN_RECORD_SIZE) {
			throw error("max_record_size " + values[8] + " is below the minimum " + QmuxSettings.MIN_RECORD_SIZE);
		}
		if (values[5] > (1L << 60) || values[6] > (1L << 60)) {
			throw error("initial_max_streams exceeds 2^60");
		}
		return new TransportParameters(values[0], values[1], values[2], values[3], values[4], values[5], values[6],
				values[7], values[8], resetStreamAt);
	}

	/**
	 * Map a parameter id to its slot, rejecting the QUIC parameters QMux forbids.
	 * @return the slot, or -1 for an unknown id that must be ignored
	 */
	private static int slotOf(long id) {
		if (id == 0x00 || id == 0x02 || id == 0x03 || (id >= 0x0a && id <= 0x10)) {
			throw error("Transport parameter 0x" + Long.toHexString(id) + " is not allowed in QMux");
		}
		if (id == MAX_IDLE_TIMEOUT) {
			return 0;
		}
		if (id >= INITIAL_MAX_DATA && id <= INITIAL_MAX_STREAMS_UNI) {
			return (int) (id - INITIAL_MAX_DATA) + 1;
		}
		if (id == MAX_DATAGRAM_FRAME_SIZE) {
			return 7;
		}
		return (id == MAX_RECORD_SIZE) ? 8 : -1;
	}

	private static long readField(ByteBuffer buffer) {
		try {
			return VarInts.read(buffer);
		}
		catch (QmuxProtocolException ex) {
			throw error("Transport parameters are truncated");
		}
	}

	private static QmuxProtocolException error(String message) {
		return new QmuxProtocolException(QmuxErrorCode.TRANSPORT_PARAMETER_ERROR, Frame.TRANSPORT_PARAMETERS, message);
	}

}
