package dev.wtfallback.core.qmux;

import java.nio.ByteBuffer;

/**
 * QUIC variable-length integers (RFC 9000 section 16): 1, 2, 4 or 8 bytes, the two high bits of
 * the first byte giving the length, big-endian, up to 2<sup>62</sup>-1.
 */
public final class VarInts {

	/** The largest value a variable-length integer holds. */
	public static final long MAX_VALUE = (1L << 62) - 1;

	private VarInts() {
	}

	/**
	 * Return how many bytes encode a value.
	 * @param value the value, from 0 to {@link #MAX_VALUE}
	 * @return 1, 2, 4 or 8
	 * @throws IllegalArgumentException if the value is out of range
	 */
	public static int size(long value) {
		if (value < 0 || value > MAX_VALUE) {
			throw new IllegalArgumentException("Value " + value + " does not fit a variable-length integer");
		}
		if (value < (1L << 6)) {
			return 1;
		}
		if (value < (1L << 14)) {
			return 2;
		}
		return (value < (1L << 30)) ? 4 : 8;
	}

	/**
	 * Write a value in its shortest encoding.
	 * @param buffer the buffer to write to
	 * @param value the value, from 0 to {@link #MAX_VALUE}
	 */
	public static void write(ByteBuffer buffer, long value) {
		switch (size(value)) {
			case 1 -> buffer.put((byte) value);
			case 2 -> buffer.putShort((short) (value | 0x4000));
			case 4 -> buffer.putInt((int) (value | 0x8000_0000L));
			default -> buffer.putLong(value | 0xC000_0000_0000_0000L);
		}
	}

	/**
	 * Read a value, in any of its encodings.
	 * @param buffer the buffer to read from
	 * @return the value
	 * @throws QmuxProtocolException with FRAME_ENCODING_ERROR if the buffer ends too early
	 */
	public static long read(ByteBuffer buffer) {
		if (!buffer.hasRemaining()) {
			throw truncated();
		}
		int first = buffer.get(buffer.position()) & 0xFF;
		int length = 1 << (first >>> 6);
		if (buffer.remaining() < length) {
			throw truncated();
		}
		return switch (length) {
			case 1 -> buffer.get() & 0x3FL;
			case 2 -> buffer.getShort() & 0x3FFFL;
			case 4 -> buffer.getInt() & 0x3FFF_FFFFL;
			default -> buffer.getLong() & MAX_VALUE;
		};
	}

	private static QmuxProtocolException truncated() {
		return new QmuxProtocolException(QmuxErrorCode.FRAME_ENCODING_ERROR, "Variable-length integer is truncated");
	}

}
