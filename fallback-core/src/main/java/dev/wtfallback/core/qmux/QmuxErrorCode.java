package dev.wtfallback.core.qmux;

/**
 * QUIC transport error codes (RFC 9000 section 20.1) that a QMux endpoint sends in
 * CONNECTION_CLOSE.
 */
public enum QmuxErrorCode {

	/** The connection closed without an error. */
	NO_ERROR(0x00),

	/** The endpoint hit an internal fault. */
	INTERNAL_ERROR(0x01),

	/** The endpoint refused the connection. */
	CONNECTION_REFUSED(0x02),

	/** The peer sent more data than it had credit for. */
	FLOW_CONTROL_ERROR(0x03),

	/** The peer opened more streams than it had credit for. */
	STREAM_LIMIT_ERROR(0x04),

	/** A frame arrived for a stream in a state that does not allow it. */
	STREAM_STATE_ERROR(0x05),

	/** The peer changed a stream's final size, or sent data beyond it. */
	FINAL_SIZE_ERROR(0x06),

	/** A frame was malformed, truncated or of an unknown type. */
	FRAME_ENCODING_ERROR(0x07),

	/** The transport parameters were malformed, repeated or not allowed. */
	TRANSPORT_PARAMETER_ERROR(0x08),

	/** The peer broke a protocol rule not covered by a more specific code. */
	PROTOCOL_VIOLATION(0x0a);

	private final long code;

	QmuxErrorCode(long code) {
		this.code = code;
	}

	/**
	 * Return the code as sent on the wire.
	 * @return the numeric code
	 */
	public long code() {
		return this.code;
	}

	/**
	 * Return the error for a wire code.
	 * @param code the numeric code
	 * @return the matching error, or {@code null} when the code is not one of these
	 */
	public static QmuxErrorCode of(long code) {
		for (QmuxErrorCode candidate : values()) {
			if (candidate.code == code) {
				return candidate;
			}
		}
		return null;
	}

	/**
	 * Return a readable name for any wire code, such as {@code FLOW_CONTROL_ERROR} or
	 * {@code 0x1f}.
	 * @param code the numeric code
	 * @return the name
	 */
	public static String nameOf(long code) {
		QmuxErrorCode known = of(code);
		return (known != null) ? known.name() : "0x" + Long.toHexString(code);
	}

}
