package dev.wtfallback.core;

import java.io.IOException;

/**
 * Thrown when a stream direction was aborted with an application error code: a read after the
 * peer sent RESET_STREAM, or a write after the peer sent STOP_SENDING or this side reset the
 * stream.
 */
public class StreamResetException extends IOException {

	private final long streamId;

	private final long errorCode;

	private final boolean remote;

	public StreamResetException(long streamId, long errorCode, boolean remote, String message) {
		super(message);
		this.streamId = streamId;
		this.errorCode = errorCode;
		this.remote = remote;
	}

	/**
	 * Return the id of the stream that was aborted.
	 * @return the stream id
	 */
	public long getStreamId() {
		return this.streamId;
	}

	/**
	 * Return the application error code that came with the abort.
	 * @return the error code, up to 2<sup>62</sup>-1
	 */
	public long getErrorCode() {
		return this.errorCode;
	}

	/**
	 * Return whether the peer aborted the stream, rather than this side.
	 * @return {@code true} for RESET_STREAM or STOP_SENDING received from the peer
	 */
	public boolean isRemote() {
		return this.remote;
	}

}
