package dev.wtfallback.core.qmux;

/**
 * A connection error: the peer broke the protocol, and the session ends with CONNECTION_CLOSE
 * carrying {@link #getErrorCode()}.
 */
public class QmuxProtocolException extends RuntimeException {

	private final QmuxErrorCode errorCode;

	private final long frameType;

	/**
	 * Create an exception for an error not tied to one frame type.
	 * @param errorCode the error code to send
	 * @param message what went wrong, naming the stream or limit involved
	 */
	public QmuxProtocolException(QmuxErrorCode errorCode, String message) {
		this(errorCode, 0, message);
	}

	/**
	 * Create an exception for an error found while handling a frame.
	 * @param errorCode the error code to send
	 * @param frameType the type of the frame that caused it, or 0
	 * @param message what went wrong, naming the stream or limit involved
	 */
	public QmuxProtocolException(QmuxErrorCode errorCode, long frameType, String message) {
		super(message);
		this.errorCode = errorCode;
		this.frameType = frameType;
	}

	/**
	 * Return the QUIC transport error code this error sends.
	 * @return the error code
	 */
	public QmuxErrorCode getErrorCode() {
		return this.errorCode;
	}

	/**
	 * Return the type of the frame that caused the error.
	 * @return the frame type, or 0 when unknown
	 */
	public long getFrameType() {
		return this.frameType;
	}

}
